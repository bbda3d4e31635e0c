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
import { saltedHmac } from "./salted_hmac.ts";
import { signatureOf } from "./signature.ts";
import { encodePayload } from "./payload.ts";
import {
  checkSignable,
  isSync,
  readPayload,
  signatureStart,
  signObjectSync,
  signToken,
  type TokenFormat,
  tokenFormat,
  unsignObjectSync,
  unsignToken,
} from "./token.ts";

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

/**
 * Signs strings as Django's `Signer` does and verifies what Django signed.
 *
 * @example
 * ```ts
 * import { Signer } from "@django-interop/session/signing";
 * const signer = new Signer({ key: "secret" });
 * const signed = await signer.sign("hello"); // "hello:<43 characters>"
 * console.log(await signer.unsign(signed)); // hello
 * ```
 */
export class Signer {
  /** Django's `module.ClassName` of this class, the default salt. */
  protected static readonly djangoName: string = "django.core.signing.Signer";
  /** Whether the class signs a timestamp. */
  protected static readonly timestamped: boolean = false;
  /** The separator. */
  readonly sep: string;
  /** The salt. */
  readonly salt: string;
  /** The HMAC hash. */
  readonly algorithm: Algorithm;
  /** Keys, hashes, separator and clock, for the synchronous core (`token.ts`). */
  readonly #format: TokenFormat;
  /** Whether the core computes the signatures (SHA-1, SHA-256), or Web Crypto does (SHA-512). */
  readonly #sync: boolean;

  /**
   * Creates a signer.
   *
   * @param options the key and, optionally, separator, salt, algorithm and fallback keys
   * @throws {TypeError} on an empty key or an unsafe separator
   */
  constructor(options: SignerOptions) {
    const target = new.target as typeof Signer;
    this.#format = tokenFormat(options, target.djangoName, target.timestamped);
    this.sep = this.#format.sep;
    this.salt = this.#format.keySalt.slice(0, -"signer".length);
    this.algorithm = options.algorithm ?? "sha256";
    this.#sync = isSync(this.#format);
  }

  /**
   * The signature of `value` alone (Django's `Signer.signature`).
   *
   * @param value the value to sign
   * @param key the secret to use
   * @default key the signer's key
   * @returns unpadded URL-safe base64 (43 characters for sha256, 27 for sha1)
   */
  async signature(value: string, key: string = this.#format.key): Promise<string> {
    if (this.#sync) return signatureOf({ ...this.#format, key }, value);
    return b64Encode(await saltedHmac(this.#format.keySalt, value, key, this.algorithm));
  }

  /**
   * `value`, the separator, and the signature.
   *
   * @param value the value to sign
   * @returns the signed value
   * @throws {TypeError} when `value` has a lone surrogate (Python's `encode` raises there too)
   */
  async sign(value: string): Promise<string> {
    if (this.#sync) return signToken(this.#format, value);
    checkSignable(value);
    return `${value}${this.sep}${await this.signature(value)}`;
  }

  /**
   * The value inside `signed`, once its signature matches the key or a fallback key.
   *
   * @param signed a signed value
   * @returns the value
   * @throws {BadSignature} when there is no separator, no key's signature matches, or the text has
   *   a lone surrogate (which UTF-8 cannot hold)
   */
  async unsign(signed: string): Promise<string> {
    return this.#sync ? unsignToken(this.#format, signed) : await this.#unsignAsync(signed);
  }

  /** `unsign` with Web Crypto's SHA-512, one key after the other. */
  async #unsignAsync(signed: string): Promise<string> {
    const at = signatureStart(this.#format, signed);
    const value = signed.slice(0, at);
    const signature = signed.slice(at + this.sep.length);
    const { key, fallbackKeys = [], keySalt, legacyAlgorithm } = this.#format;
    for (const secret of [key, ...fallbackKeys]) {
      for (
        const algorithm of legacyAlgorithm ? [this.algorithm, legacyAlgorithm] : [this.algorithm]
      ) {
        const mac = await saltedHmac(keySalt, value, secret, algorithm);
        if (timingSafeEqual(signature, b64Encode(mac))) return value;
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
    const { compress = false, maxDecompressedBytes } = options;
    if (this.#sync) return signObjectSync(this.#format, value, compress, maxDecompressedBytes);
    return this.sign(await encodePayload(value, compress, maxDecompressedBytes));
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
    if (this.#sync) return unsignObjectSync(this.#format, signed, options) as T;
    return readPayload(this.#format, await this.#unsignAsync(signed), options) as T;
  }
}
