/**
 * Django's `Signer.signature` and its check, synchronously: the base64 of
 * `salted_hmac(keySalt, value, secret, algorithm)` for SHA-1 and SHA-256, with the prepared keys of
 * `saltedKey` and shared buffers, so a check costs the HMAC and nothing around it: no promise, no
 * `TextEncoder` result, no digest array, no signature string. `Signer`, `TimestampSigner`,
 * `dumps`/`loads` and the session codec run on it; SHA-512 (Web Crypto only) goes around it.
 *
 * @module
 */

import { b64Encode, b64EncodeInto } from "../primitives/base64.ts";
import { saltedKey } from "../primitives/crypto.ts";
import type { Hmac } from "../primitives/sha.ts";

/** What a signature is made with: the hashes ours computes. */
export interface SignatureKeys {
  /** Django's `key_salt` of the signature: the signer's salt + `"signer"`. */
  readonly keySalt: string;
  /** The secret that signs (Django's `SECRET_KEY`). */
  readonly key: string;
  /** Older secrets still accepted (Django's `SECRET_KEY_FALLBACKS`). */
  readonly fallbackKeys?: readonly string[];
  /** The hash that signs. */
  readonly algorithm: "sha1" | "sha256";
  /** A second hash accepted, as Django 3.1/3.2 accept sha1 besides sha256. */
  readonly legacyAlgorithm?: "sha1";
}

const encoder = new TextEncoder();
/** The message being signed, as UTF-8: grown, never shrunk. Nothing here awaits, so one serves all. */
let message = new Uint8Array(1024);
/** A MAC of each length, so that `b64Encode` gets an exact array and no view is made. */
const macs: Record<number, Uint8Array> = { 20: new Uint8Array(20), 32: new Uint8Array(32) };
/** A signature's base64, as bytes. */
const text = new Uint8Array(43);
const NONE: readonly string[] = [];

/** Writes the UTF-8 of `value` into `message`; returns its length. */
function encodeMessage(value: string): number {
  const n = value.length;
  if (3 * n > message.length) message = new Uint8Array(Math.max(3 * n, 2 * message.length));
  // Native on every engine, and for a session's 250 characters 8-10x faster than a charCodeAt loop.
  return encoder.encodeInto(value, message).written;
}

/**
 * The shared message buffer, with room for `size` bytes; what it held may be gone. For a caller
 * that writes the message as bytes and then signs it with {@linkcode signMessage}.
 */
export function messageRoom(size: number): Uint8Array {
  if (size > message.length) message = new Uint8Array(Math.max(size, 2 * message.length));
  return message;
}

/** Writes the UTF-8 of `text` (short: a separator, a timestamp) into `message` at `at`; returns the end. */
export function putText(text: string, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return at - i + encoder.encodeInto(text, message.subarray(at - i)).written;
    message[at++] = code;
  }
  return at;
}

const utf8Decoder = new TextDecoder();

/**
 * Django's `Signer.sign` of a value already written as bytes: signs `message[0 .. length)`,
 * appends the separator and the signature there, and reads the whole back as one string.
 *
 * @param keys the key salt, secret and hash
 * @param length the value's length in `message`, which must have room for 3 bytes per character of
 *   `sep` and 43 more after it
 * @param sep the separator
 * @returns the signed value
 */
export function signMessage(keys: SignatureKeys, length: number, sep: string): string {
  const key = saltedKey(keys.algorithm, keys.keySalt, keys.key)!;
  const mac = macOf(key, length);
  const end = b64EncodeInto(mac, key.macBytes, message, putText(sep, length));
  return utf8Decoder.decode(message.subarray(0, end));
}

function macOf(key: Hmac, length: number): Uint8Array {
  return key.signInto(message, length, macs[key.macBytes]);
}

/**
 * The signature of `value` (Django's `Signer.signature`).
 *
 * @param keys the key salt, secret and hash
 * @param value the signed text
 * @returns unpadded URL-safe base64: 43 characters for sha256, 27 for sha1
 */
export function signatureOf(keys: SignatureKeys, value: string): string {
  return b64Encode(macOf(saltedKey(keys.algorithm, keys.keySalt, keys.key)!, encodeMessage(value)));
}

/** Whether the base64 of the MAC of `message[0 .. length)` is `signature`, in constant time. */
function matches(key: Hmac, length: number, signature: string): boolean {
  const end = b64EncodeInto(macOf(key, length), key.macBytes, text, 0);
  let diff = end ^ signature.length;
  const n = Math.min(end, signature.length);
  for (let i = 0; i < n; i++) diff |= text[i] ^ signature.charCodeAt(i);
  return diff === 0;
}

/**
 * Whether `signature` is the signature of `value` under the key or a fallback key, with the hash
 * or the legacy one (Django's `Signer.unsign` check). Each comparison is constant-time; the keys
 * are tried in order and the first match ends the search, as in Django.
 *
 * @param keys the key salt, secrets and hashes
 * @param value the signed text
 * @param signature the signature found after the separator
 * @returns whether one of them matches
 */
export function verifies(keys: SignatureKeys, value: string, signature: string): boolean {
  const length = encodeMessage(value);
  const { keySalt, fallbackKeys = NONE, algorithm, legacyAlgorithm } = keys;
  for (let k = -1; k < fallbackKeys.length; k++) {
    const secret = k < 0 ? keys.key : fallbackKeys[k];
    if (matches(saltedKey(algorithm, keySalt, secret)!, length, signature)) return true;
    if (
      legacyAlgorithm && matches(saltedKey(legacyAlgorithm, keySalt, secret)!, length, signature)
    ) {
      return true;
    }
  }
  return false;
}
