/**
 * Django's `django.core.signing.Signer`.
 *
 * `sign("hello")` gives `hello:<signature>`, where the signature is the unpadded URL-safe base64 of
 * `salted_hmac(salt + "signer", value, key, algorithm)`. `unsign` splits on the last separator and compares in constant
 * time against the key and then each fallback key (Django 4.1's `SECRET_KEY_FALLBACKS`).
 *
 * @module
 */

import { BadSignature } from "../errors.ts";
import { b64Encode } from "../primitives/base64.ts";
import { type Algorithm, timingSafeEqual } from "../primitives/crypto.ts";
import { decodePayload, encodePayload } from "./payload.ts";
import { saltedHmac } from "./salted_hmac.ts";

/** Options of {@linkcode Signer} and {@linkcode TimestampSigner}. */
export interface SignerOptions {
  /** The secret key (Django's `SECRET_KEY`). */
  key: string;
  /**
   * Between value and signature; cannot be empty or only `A-z0-9-_=`.
   * @default {":"}
   */
  sep?: string;
  /**
   * The namespace mixed into the HMAC key.
   * @default {"django.core.signing.Signer"} (`"django.core.signing.TimestampSigner"` for
   * `TimestampSigner`), Django's `module.ClassName`
   */
  salt?: string;
  /**
   * The HMAC hash.
   * @default {"sha256"}
   */
  algorithm?: Algorithm;
  /**
   * Older secrets still accepted by `unsign` (Django's `SECRET_KEY_FALLBACKS`).
   * @default {[]}
   */
  fallbackKeys?: string[];
  /**
   * Also accept a signature made with this hash, as Django 3.1/3.2 accept sha1 besides sha256.
   * @default {undefined} (Django 4.0+ behaviour: only `algorithm`)
   */
  legacyAlgorithm?: "sha1";
}

/** Options of `signObject`. */
export interface SignObjectOptions {
  /**
   * zlib-compress the JSON when that saves more than one byte (marked by a leading `.`).
   * @default {false}
   */
  compress?: boolean;
  /**
   * The inflate cap the value will be read with: compressing more JSON than this throws.
   * @default {1048576} (1 MiB)
   */
  maxDecompressedBytes?: number;
}

/** Options of `unsignObject`. */
export interface UnsignObjectOptions {
  /**
   * The most bytes a compressed payload may inflate to.
   * @default {1048576} (1 MiB)
   */
  maxDecompressedBytes?: number;
}

/** A UTF-16 surrogate without its pair: a string UTF-8 (and Python's `str.encode`) cannot hold. */
const LONE_SURROGATE = /\p{Cs}/u;

// Django's _SEP_UNSAFE: `A-z` is the ASCII range A..z, which includes [\]^_ and the backtick.
const UNSAFE_SEP = /^[A-z0-9\-_=]*$/;

/**
 * Signs strings as Django's `Signer` does and verifies what Django signed.
 *
 * @example
 * ```ts
 * import { Signer } from "@django-interop/session";
 * const signer = new Signer({ key: "secret" });
 * const signed = await signer.sign("hello"); // "hello:<43 characters>"
 * console.log(await signer.unsign(signed)); // hello
 * ```
 */
export class Signer {
  /** Django's `module.ClassName` of this class, the default salt. */
  protected static readonly djangoName: string = "django.core.signing.Signer";
  /** The separator. */
  readonly sep: string;
  /** The salt. */
  readonly salt: string;
  /** The HMAC hash. */
  readonly algorithm: Algorithm;
  readonly #keys: string[];
  /** The algorithms `unsign` accepts, the signer's own first. */
  readonly #algorithms: Algorithm[];
  /** Django's `key_salt` of the signature: the salt + "signer". */
  readonly #keySalt: string;

  /**
   * Creates a signer.
   *
   * @param options the key and, optionally, separator, salt, algorithm and fallback keys
   * @throws {TypeError} on an empty key or an unsafe separator
   */
  constructor(options: SignerOptions) {
    const { key, sep = ":", salt, algorithm = "sha256", fallbackKeys = [] } = options;
    if (!key) throw new TypeError("Signer needs a non-empty key");
    if (UNSAFE_SEP.test(sep)) {
      throw new TypeError(`Unsafe Signer separator: ${JSON.stringify(sep)}`);
    }
    this.sep = sep;
    this.salt = salt || (new.target as typeof Signer).djangoName;
    this.algorithm = algorithm;
    this.#keys = [key, ...fallbackKeys];
    this.#algorithms = options.legacyAlgorithm ? [algorithm, options.legacyAlgorithm] : [algorithm];
    this.#keySalt = this.salt + "signer";
  }

  /**
   * The signature of `value` alone (Django's `Signer.signature`).
   *
   * @param value the value to sign
   * @param key the secret to use
   * @default key the signer's key
   * @returns unpadded URL-safe base64 (43 characters for sha256, 27 for sha1)
   */
  signature(value: string, key: string = this.#keys[0]): Promise<string> {
    return this.#signature(value, key, this.algorithm);
  }

  async #signature(value: string, key: string, algorithm: Algorithm): Promise<string> {
    return b64Encode(await saltedHmac(this.#keySalt, value, key, algorithm));
  }

  /**
   * `value`, the separator, and the signature.
   *
   * @param value the value to sign
   * @returns the signed value
   * @throws {TypeError} when `value` has a lone surrogate (Python's `encode` raises there too)
   */
  async sign(value: string): Promise<string> {
    if (LONE_SURROGATE.test(value)) throw new TypeError("Cannot sign a lone surrogate");
    return `${value}${this.sep}${await this.signature(value)}`;
  }

  /**
   * The value inside `signed`, once its signature matches the key or a fallback key.
   *
   * @param signed a signed value
   * @returns the value
   * @throws {BadSignature} when there is no separator, no key's signature matches, or the text has
   *   a lone surrogate (which UTF-8 cannot hold: Python's `encode` raises, and TextEncoder's U+FFFD
   *   would make two texts share one signature)
   */
  async unsign(signed: string): Promise<string> {
    if (LONE_SURROGATE.test(signed)) throw new BadSignature("Signed value has a lone surrogate");
    const at = signed.lastIndexOf(this.sep);
    if (at < 0) throw new BadSignature(`No "${this.sep}" found in value`);
    const value = signed.slice(0, at);
    const signature = signed.slice(at + this.sep.length);
    for (const key of this.#keys) {
      for (const algorithm of this.#algorithms) {
        if (timingSafeEqual(signature, await this.#signature(value, key, algorithm))) return value;
      }
    }
    throw new BadSignature(`Signature "${signature}" does not match`);
  }

  /**
   * Signs a JSON-able value (Django's `sign_object`).
   *
   * @param value null, booleans, numbers, strings, arrays and plain objects
   * @param options whether to compress, and the inflate cap
   * @returns the signed payload
   * @throws {TypeError} when `value` holds something Python's JSON cannot give back
   * @throws {RangeError} when it could not be read back (too deep, or past the inflate cap)
   */
  async signObject(value: unknown, options: SignObjectOptions = {}): Promise<string> {
    return this.sign(
      await encodePayload(value, options.compress ?? false, options.maxDecompressedBytes),
    );
  }

  /**
   * Verifies, then decodes, a value signed by `signObject` (Django's `unsign_object`).
   *
   * @param signed the signed payload
   * @param options the inflate cap
   * @returns the value
   * @throws {BadSignature} when the signature does not match
   * @throws {BadPayload} when the verified payload cannot be decoded or inflates past the cap
   */
  async unsignObject<T = unknown>(signed: string, options: UnsignObjectOptions = {}): Promise<T> {
    return decodePayload(await this.unsign(signed), options.maxDecompressedBytes) as T;
  }
}
