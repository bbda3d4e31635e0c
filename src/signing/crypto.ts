/**
 * The HMACs and digests of the codec, and the one file that touches `crypto.subtle`. SHA-1 and
 * SHA-256 (Django's session and cookie signatures) run synchronously in {@linkcode Hmac}: awaiting
 * `crypto.subtle.sign` costs 20–30 µs per call one at a time, more than Django's whole decode, while
 * the synchronous HMAC of a session is 2–5 µs (`bench/codec.bench.ts`). SHA-512 (only reachable
 * through `saltedHmac`) and PBKDF2 stay on Web Crypto. Prepared keys are cached, so a hot path
 * never derives or prepares a key twice.
 *
 * @module
 */

import { hash, type HashFunction, Hmac, sha1, sha256 } from "./sha.ts";

/** The hash functions Django's `salted_hmac` is used with. */
export type Algorithm = "sha1" | "sha256" | "sha512";

const SYNC: Partial<Record<Algorithm, HashFunction>> = { sha1, sha256 };
const encoder = new TextEncoder();

/** A prepared HMAC key: the MAC of a message. */
type Mac = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** At most this many prepared keys are kept; the oldest is dropped first (secrets x salts is small). */
const CACHE_LIMIT = 256;
const ready = new Map<string, Mac>();
const pending = new Map<string, Promise<Mac>>();

function cached(id: string, make: () => Mac | Promise<Mac>): Mac | Promise<Mac> {
  const mac = ready.get(id) ?? pending.get(id);
  if (mac) return mac;
  if (ready.size >= CACHE_LIMIT) ready.delete(ready.keys().next().value!);
  const made = make();
  if (typeof made === "function") {
    ready.set(id, made);
    return made;
  }
  // A failed import is forgotten, so the next call tries again.
  const making = made.then((mac) => {
    ready.set(id, mac);
    return mac;
  }).finally(() => pending.delete(id));
  pending.set(id, making);
  return making;
}

function hashOf(algorithm: Algorithm): string {
  if (algorithm === "sha512") return "SHA-512";
  throw new TypeError(`Unsupported algorithm ${JSON.stringify(algorithm)}`);
}

function prepare(algorithm: Algorithm, raw: Uint8Array): Mac | Promise<Mac> {
  const fn = SYNC[algorithm];
  if (fn) {
    const mac = new Hmac(fn, raw);
    return (data) => mac.sign(data);
  }
  return crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: hashOf(algorithm) },
    false,
    ["sign"],
  ).then((key) => async (data) =>
    new Uint8Array(await crypto.subtle.sign("HMAC", key, data as Uint8Array<ArrayBuffer>))
  );
}

/** UTF-8 bytes of a string; bytes are passed through. */
export function utf8(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/**
 * The raw digest of `data`.
 *
 * @param algorithm the hash function
 * @param data the bytes to hash
 * @returns the digest
 */
export async function digest(algorithm: Algorithm, data: Uint8Array): Promise<Uint8Array> {
  const fn = SYNC[algorithm];
  if (fn) return hash(fn, data);
  return new Uint8Array(
    await crypto.subtle.digest(hashOf(algorithm), data as Uint8Array<ArrayBuffer>),
  );
}

/**
 * HMAC of `data` under raw key bytes; the prepared key is cached per (algorithm, key bytes).
 *
 * @param algorithm the hash function
 * @param keyBytes the raw HMAC key
 * @param data the message
 * @returns the raw MAC
 */
export async function hmac(
  algorithm: Algorithm,
  keyBytes: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  const id = `raw\0${algorithm}\0${String.fromCharCode(...keyBytes)}`;
  return (await cached(id, () => prepare(algorithm, keyBytes)))(data);
}

/**
 * Django's `salted_hmac` key schedule: HMAC under `H(keySalt + secret)`. The prepared key is cached
 * per (algorithm, keySalt, secret), so the digest and the key set-up happen once per triple.
 *
 * @param algorithm the hash function, used both to derive the key and for the HMAC
 * @param keySalt the namespace (Django's `key_salt`)
 * @param secret the secret (Django's `SECRET_KEY` or one of its fallbacks)
 * @param data the message
 * @returns the raw MAC
 */
export async function saltedHmacBytes(
  algorithm: Algorithm,
  keySalt: string,
  secret: string,
  data: Uint8Array,
): Promise<Uint8Array> {
  let mac = bySalt[algorithm]?.get(keySalt)?.get(secret);
  if (!mac) {
    const id = `salted\0${algorithm}\0${keySalt.length}\0${keySalt}${secret}`;
    mac = await cached(id, () => {
      const fn = SYNC[algorithm];
      const material = encoder.encode(keySalt + secret);
      return fn
        ? prepare(algorithm, hash(fn, material))
        : digest(algorithm, material).then((key) => prepare(algorithm, key));
    });
    remember(algorithm, keySalt, secret, mac);
  }
  return mac(data);
}

/**
 * Prepared salted keys by algorithm, key salt and secret: the hot path finds its key with three
 * lookups of strings the signer already holds, without building (and hashing) an id string.
 */
const bySalt: Record<Algorithm, Map<string, Map<string, Mac>>> = {
  sha1: new Map(),
  sha256: new Map(),
  sha512: new Map(),
};
let remembered = 0;

function remember(algorithm: Algorithm, keySalt: string, secret: string, mac: Mac): void {
  if (remembered >= CACHE_LIMIT) {
    for (const map of Object.values(bySalt)) map.clear();
    remembered = 0;
  }
  const bySecret = bySalt[algorithm].get(keySalt) ?? new Map<string, Mac>();
  bySalt[algorithm].set(keySalt, bySecret);
  bySecret.set(secret, mac);
  remembered++;
}

/**
 * PBKDF2-HMAC (what Django's `PBKDF2PasswordHasher` / `PBKDF2SHA1PasswordHasher` compute).
 *
 * @param password the password, UTF-8 encoded
 * @param salt the salt, UTF-8 encoded
 * @param iterations the iteration count
 * @param hash the PRF's hash function
 * @param lengthBytes the derived key length
 * @returns the derived key
 */
export async function pbkdf2(
  password: string,
  salt: string,
  iterations: number,
  hash: "SHA-256" | "SHA-1",
  lengthBytes: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash, salt: encoder.encode(salt), iterations },
    key,
    lengthBytes * 8,
  );
  return new Uint8Array(bits);
}

/**
 * Whether two strings or byte arrays are equal, in time that depends only on their lengths
 * (Django's `constant_time_compare`). Best-effort: JavaScript engines promise nothing about timing,
 * but the loop never exits early and never branches on the data.
 *
 * @param a one value
 * @param b the other value
 * @returns whether they are equal
 */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  // Two strings are compared as UTF-16 code units (no encoding on the hot path); otherwise as bytes.
  if (typeof a === "string" && typeof b === "string") {
    let diff = a.length ^ b.length;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    return diff === 0;
  }
  const x = utf8(a);
  const y = utf8(b);
  let diff = x.length ^ y.length;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}
