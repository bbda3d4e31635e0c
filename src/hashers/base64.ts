/**
 * Standard base64 as Python's `base64.b64encode` writes it, and the unpadded form argon2's PHC
 * strings use.
 *
 * @module
 */

/**
 * Standard base64.
 *
 * @param bytes the bytes
 * @param padded keep the `=` padding
 * @returns the text
 */
export function base64(bytes: Uint8Array, padded = true): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const text = btoa(binary);
  return padded ? text : text.replace(/=+$/, "");
}

/**
 * Decodes standard base64, padded or not.
 *
 * @param text the text
 * @returns the bytes, or null when `text` is not base64
 */
export function unbase64(text: string): Uint8Array | null {
  try {
    const binary = atob(text + "=".repeat(-text.length & 3));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
