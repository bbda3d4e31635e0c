/**
 * Django's `django.core.signing.TimestampSigner`: signs `value:<base62 seconds>`, so that `unsign`
 * can reject values older than `maxAge` — after checking the signature, never before.
 *
 * @module
 */

import { Signer, type SignerOptions, type UnsignObjectOptions } from "./signer.ts";
import { checkStamp, stamp, type TokenFormat, tokenFormat } from "./token.ts";

/** Options of {@linkcode TimestampSigner}. */
export interface TimestampSignerOptions extends SignerOptions {
  /**
   * The clock, in epoch milliseconds; inject a frozen one to reproduce a token byte for byte.
   * @default {Date.now}
   */
  now?: () => number;
}

/** Options of `TimestampSigner.unsign`. */
export interface UnsignTimestampOptions {
  /** Reject values signed more than this many seconds ago. @default {undefined} (no limit) */
  maxAge?: number;
}

/**
 * A `Signer` that also signs the time, so `unsign` can reject old values (Django's `TimestampSigner`).
 *
 * @example
 * ```ts
 * import { TimestampSigner } from "@django-interop/session/signing";
 * const signer = new TimestampSigner({ key: "secret", now: () => 1700000000000 });
 * const signed = await signer.sign("hello"); // "hello:1r31eq:<signature>"
 * console.log(await signer.unsign(signed)); // hello
 * ```
 */
export class TimestampSigner extends Signer {
  /** Django's `module.ClassName` of this class, the default salt. */
  protected static override readonly djangoName: string = "django.core.signing.TimestampSigner";
  /** Whether the class signs a timestamp. */
  protected static override readonly timestamped: boolean = true;
  /** The same format as `Signer`'s (kept private there), for the separator and the clock. */
  readonly #format: TokenFormat;

  /**
   * Creates a timestamp signer.
   *
   * @param options the `Signer` options and a clock
   * @throws {TypeError} on an empty key or an unsafe separator
   */
  constructor(options: TimestampSignerOptions) {
    super(options);
    this.#format = tokenFormat(options, (new.target as typeof TimestampSigner).djangoName, true);
  }

  /**
   * Signs `value` with the current time in whole seconds.
   *
   * @param value the value to sign
   * @returns `value:<base62 seconds>:<signature>`
   */
  override sign(value: string): Promise<string> {
    return super.sign(stamp(this.#format, value));
  }

  /**
   * Verifies the signature FIRST, then the age.
   *
   * @param signed a value from `sign`
   * @param options `maxAge` in seconds
   * @returns the value
   * @throws {BadSignature} when the signature does not match
   * @throws {SignatureExpired} when the signature matches but is older than `maxAge`
   */
  override async unsign(signed: string, options: UnsignTimestampOptions = {}): Promise<string> {
    const verified = await super.unsign(signed);
    return verified.slice(0, checkStamp(this.#format, verified, options.maxAge));
  }

  /**
   * Verifies (signature, then age), then decodes a value signed by `signObject`.
   *
   * @param signed the signed payload
   * @param options `maxAge` in seconds and the inflate cap
   * @returns the value
   * @throws {BadSignature} when the signature does not match
   * @throws {SignatureExpired} when it is older than `maxAge`
   * @throws {BadPayload} when the verified payload cannot be decoded or inflates past the cap
   */
  override unsignObject<T = unknown>(
    signed: string,
    options: UnsignObjectOptions & UnsignTimestampOptions = {},
  ): Promise<T> {
    return super.unsignObject<T>(signed, options);
  }
}
