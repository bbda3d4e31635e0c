/**
 * zlib (RFC 1950), the format of Python's `zlib.compress`, without waiting on a stream for
 * session-sized data. Inflating is our own synchronous decoder (`inflate.ts`): `DecompressionStream`
 * took 7–25 µs a session on Deno and Bun and 85–160 µs on Node 20, more than all the rest of
 * decoding one, and Deno's accepted a stream without its Adler-32, which Python's `zlib.decompress`
 * refuses. Compressing up to {@linkcode SYNC_DEFLATE_LIMIT} bytes is our own synchronous
 * compressor (`deflate.ts`, output the size of zlib's level 6 for sessions); larger inputs go
 * through `CompressionStream("deflate")`, native code that splits blocks where the statistics
 * change, driven through a writer and a reader (2–6× faster than a `Response`/`Blob` round trip).
 * See `bench/codec.bench.ts`.
 *
 * @module
 */

import { deflateTransient } from "./deflate.ts";

export { inflate } from "./inflate.ts";

/** Default inflate cap of `loads` and `decodeSession`: 1 MiB of JSON. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 * 1024;

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Inputs up to this many bytes are compressed synchronously; larger ones by the web stream. */
export const SYNC_DEFLATE_LIMIT = 16 * 1024;

/**
 * Compresses `data` into a zlib stream.
 *
 * @param data the bytes to compress
 * @returns the zlib stream (header, deflate data, Adler-32); when synchronous, a view into a buffer
 *   that the next call overwrites (read it at once)
 */
export function deflate(data: Uint8Array): Uint8Array | Promise<Uint8Array> {
  return data.length <= SYNC_DEFLATE_LIMIT ? deflateTransient(data) : deflateStream(data);
}

async function deflateStream(data: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream("deflate");
  const writer = stream.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>);
  writer.close();
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(chunks, total);
    chunks.push(value);
    total += value.length;
  }
}
