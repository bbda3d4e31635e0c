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

/** A prepared HMAC key: ours for SHA-1/SHA-256, Web Crypto's (once imported) for SHA-512. */
type Prepared = Hmac | CryptoKey | Promise<CryptoKey>;

/** At most this many prepared keys are kept; past it, all are dropped (secrets x salts is small). */
const CACHE_LIMIT = 256;

/** Prepared keys by algorithm, then by two strings the caller already holds: no id string is built. */
type KeyTable = Record<Algorithm, Map<string, Map<string, Prepared>>>;
const keyTable = (): KeyTable => ({ sha1: new Map(), sha256: new Map(), sha512: new Map() });
/** Salted keys by key salt, then secret. */
const salted = keyTable();
/** Raw keys under "", then their bytes as a string. */
const raw = keyTable();
let cachedCount = 0;

function cached(
  table: KeyTable,
  algorithm: Algorithm,
  first: string,
  second: string,
  make: () => Prepared,
): Prepared {
  if (!Object.hasOwn(table, algorithm)) {
    throw new TypeError(`Unsupported algorithm ${JSON.stringify(algorithm)}`);
  }
  const found = table[algorithm].get(first)?.get(second);
  if (found) return found;
  const made = make();
  if (cachedCount >= CACHE_LIMIT) {
    for (const map of [...Object.values(salted), ...Object.values(raw)]) map.clear();
    cachedCount = 0;
  }
  const bySecond = table[algorithm].get(first) ?? new Map<string, Prepared>();
  table[algorithm].set(first, bySecond);
  bySecond.set(second, made);
  cachedCount++;
  if (made instanceof Promise) {
    // Once imported, the key replaces its promise; a failed import is forgotten, so the next call
    // tries again.
    const settle = (key?: CryptoKey) => {
      if (bySecond.get(second) !== made) return;
      if (key) bySecond.set(second, key);
      else bySecond.delete(second);
    };
    made.then(settle, () => settle());
  }
  return made;
}

function hashOf(algorithm: Algorithm): string {
  if (algorithm === "sha512") return "SHA-512";
  throw new TypeError(`Unsupported algorithm ${JSON.stringify(algorithm)}`);
}

function prepare(algorithm: Algorithm, raw: Uint8Array): Prepared {
  const fn = SYNC[algorithm];
  if (fn) return new Hmac(fn, raw);
  return crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: hashOf(algorithm) },
    false,
    ["sign"],
  );
}

async function sign(key: Prepared, data: Uint8Array): Promise<Uint8Array> {
  if (key instanceof Hmac) return key.sign(data);
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", await key, data as Uint8Array<ArrayBuffer>),
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
  const id = String.fromCharCode(...keyBytes);
  return await sign(cached(raw, algorithm, "", id, () => prepare(algorithm, keyBytes)), data);
}

/**
 * Django's `salted_hmac` key, prepared synchronously: HMAC under `H(keySalt + secret)`, cached per
 * (algorithm, keySalt, secret), so the digest and the key set-up happen once per triple.
 *
 * @param algorithm the hash function, used both to derive the key and for the HMAC
 * @param keySalt the namespace (Django's `key_salt`)
 * @param secret the secret (Django's `SECRET_KEY` or one of its fallbacks)
 * @returns the prepared key, or `undefined` for SHA-512, which only Web Crypto computes
 * @throws {TypeError} on an unsupported algorithm
 */
export function saltedKey(algorithm: Algorithm, keySalt: string, secret: string): Hmac | undefined {
  const fn = SYNC[algorithm];
  if (!fn) {
    hashOf(algorithm);
    return undefined;
  }
  return cached(
    salted,
    algorithm,
    keySalt,
    secret,
    () => prepare(algorithm, hash(fn, encoder.encode(keySalt + secret))),
  ) as Hmac;
}

/**
 * Django's `salted_hmac`: the MAC of `data` under `H(keySalt + secret)` (see {@linkcode saltedKey}).
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
  const key = saltedKey(algorithm, keySalt, secret) ??
    cached(
      salted,
      algorithm,
      keySalt,
      secret,
      () =>
        digest(algorithm, encoder.encode(keySalt + secret)).then((key) =>
          prepare(algorithm, key) as Promise<CryptoKey>
        ),
    );
  return await sign(key, data);
}

/**
 * PBKDF2-HMAC (what Django's `PBKDF2PasswordHasher` / `PBKDF2SHA1PasswordHasher` compute).
 *
 * @param password the password, UTF-8 encoded (bytes as they are)
 * @param salt the salt, UTF-8 encoded
 * @param iterations the iteration count
 * @param hash the PRF's hash function
 * @param lengthBytes the derived key length
 * @returns the derived key
 */
export async function pbkdf2(
  password: string | Uint8Array,
  salt: string,
  iterations: number,
  hash: "SHA-256" | "SHA-1",
  lengthBytes: number,
): Promise<Uint8Array> {
  const raw = utf8(password) as Uint8Array<ArrayBuffer>;
  const key = await crypto.subtle.importKey("raw", raw, "PBKDF2", false, [
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
