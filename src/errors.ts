/**
 * Every error this module throws is a {@linkcode DjangoSessionError} with a stable `code`, so callers
 * can branch on `error.code` without `instanceof` across module copies.
 *
 * @module
 */

/** The stable codes carried by {@linkcode DjangoSessionError.code}. */
export type ErrorCode =
  | "BAD_SIGNATURE"
  | "SIGNATURE_EXPIRED"
  | "BAD_PAYLOAD"
  | "SESSION_INTERRUPTED"
  | "SESSION_NOT_LOADED"
  | "SESSION_UNREADABLE"
  | "SESSION_CHANGED_AFTER_HEADERS"
  | "STORE_UNAVAILABLE"
  | "UNSUPPORTED_HASHER"
  | "IMPROPERLY_CONFIGURED"
  | "COOKIE_TOO_LARGE"
  | "CSRF_FAILURE";

/**
 * Base class of every error thrown by this module.
 *
 * @example
 * ```ts
 * import { BadSignature, DjangoSessionError } from "@django-interop/session";
 * const error = new BadSignature("Signature does not match");
 * console.log(error instanceof DjangoSessionError, error.code); // true "BAD_SIGNATURE"
 * ```
 */
export class DjangoSessionError extends Error {
  /** A stable, machine-readable code. */
  readonly code: ErrorCode;

  /**
   * Creates the error.
   *
   * @param code the stable code
   * @param message what happened and what to do about it
   * @param options the underlying cause, if any
   */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A signed value whose signature does not verify (Django's `django.core.signing.BadSignature`).
 *
 * @example
 * ```ts
 * import { BadSignature } from "@django-interop/session";
 * const error = new BadSignature('Signature "abc" does not match');
 * console.log(error.code); // "BAD_SIGNATURE"
 * ```
 */
export class BadSignature extends DjangoSessionError {
  /**
   * Creates the error.
   *
   * @param message why the value was rejected
   * @param code the code (subclasses pass their own)
   */
  constructor(message: string, code: ErrorCode = "BAD_SIGNATURE") {
    super(code, message);
  }
}

/**
 * A correctly signed value older than the `maxAge` it was checked against
 * (Django's `SignatureExpired`, a subclass of `BadSignature`).
 *
 * @example
 * ```ts
 * import { BadSignature, SignatureExpired } from "@django-interop/session";
 * const error = new SignatureExpired("Signature age 20 > 10 seconds");
 * console.log(error instanceof BadSignature); // true
 * ```
 */
export class SignatureExpired extends BadSignature {
  /**
   * Creates the error.
   *
   * @param message how old the signature is and the limit it broke
   */
  constructor(message: string) {
    super(message, "SIGNATURE_EXPIRED");
  }
}

/**
 * A correctly signed value whose payload cannot be read: broken base64, zlib or JSON, or a compressed
 * payload that inflates past `maxDecompressedBytes`. A subclass of `BadSignature`, so code that treats
 * any unreadable signed value as "no value" needs one `catch`.
 *
 * @example
 * ```ts
 * import { BadPayload, BadSignature } from "@django-interop/session";
 * const error = new BadPayload("Payload inflates past 1048576 bytes");
 * console.log(error instanceof BadSignature, error.code); // true "BAD_PAYLOAD"
 * ```
 */
export class BadPayload extends BadSignature {
  /**
   * Creates the error.
   *
   * @param message what is wrong with the payload
   */
  constructor(message: string) {
    super(message, "BAD_PAYLOAD");
  }
}

/**
 * The session was deleted (by Django, another request or `clearsessions`) between loading it and
 * saving it. Django's middleware answers such a request with HTTP 400; so does ours.
 *
 * @example
 * ```ts
 * import { SessionInterrupted } from "@django-interop/session";
 * const error = new SessionInterrupted("k2n3b5m1q8z0x7c6v5b4n3m2l1k0j9h8");
 * console.log(error.code); // "SESSION_INTERRUPTED"
 * ```
 */
export class SessionInterrupted extends DjangoSessionError {
  /**
   * Creates the error.
   *
   * @param key the session key whose row disappeared
   */
  constructor(key: string) {
    super(
      "SESSION_INTERRUPTED",
      `The session "${key.slice(0, 8)}…" was deleted before the request completed: ` +
        "the user may have logged out in a concurrent request, for example.",
    );
  }
}

/**
 * A session whose signature verifies but whose data this module cannot use: JSON nested deeper than
 * the engine can parse, inflating past `maxDecompressedBytes`, or an `_session_expiry` that Python's
 * `datetime.fromisoformat` refuses too (Django's `get_expiry_age` raises there). Reading it as an
 * empty session would let the next save overwrite the user's data (a login, a cart), so the session
 * refuses to load or save instead, the stored row is left as it is, and the HTTP layer answers 500
 * without saving (see `errorResponse`). A bad signature is not this error: it reads as an empty
 * session, as in Django.
 *
 * @example
 * ```ts
 * import { SessionUnreadable } from "@django-interop/session";
 * const error = new SessionUnreadable("JSON nested too deeply");
 * console.log(error.code); // "SESSION_UNREADABLE"
 * ```
 */
export class SessionUnreadable extends DjangoSessionError {
  /**
   * Creates the error.
   *
   * @param message what could not be read
   * @param options the underlying error, if any
   */
  constructor(message: string, options?: ErrorOptions) {
    super("SESSION_UNREADABLE", `Session data verifies but cannot be used: ${message}`, options);
  }
}

/**
 * A session's data was read before `await session.load()`.
 *
 * @example
 * ```ts
 * import { SessionNotLoaded } from "@django-interop/session";
 * console.log(new SessionNotLoaded("get").message); // session.get() needs the session's data: …
 * ```
 */
export class SessionNotLoaded extends DjangoSessionError {
  /**
   * Creates the error.
   *
   * @param method the method that needed the data
   */
  constructor(method: string) {
    super(
      "SESSION_NOT_LOADED",
      `session.${method}() needs the session's data: call \`await session.load()\` first.`,
    );
  }
}

/**
 * The session changed after the response's headers had left, so the change cannot reach the cookie
 * and was not saved. An adapter for a streaming response object (Express's `res.write`, a piped
 * stream) commits the session at the first byte, as Django's `SessionMiddleware` does before a
 * `StreamingHttpResponse` streams; change the session before the first write instead.
 *
 * @example
 * ```ts
 * import { SessionChangedAfterHeaders } from "@django-interop/session";
 * const error = new SessionChangedAfterHeaders("GET /stream");
 * console.log(error.code); // "SESSION_CHANGED_AFTER_HEADERS"
 * ```
 */
export class SessionChangedAfterHeaders extends DjangoSessionError {
  /**
   * Creates the error.
   *
   * @param request the request whose session changed, as `METHOD /path`
   */
  constructor(request: string) {
    super(
      "SESSION_CHANGED_AFTER_HEADERS",
      `${request}: the session changed after the response headers were sent, so the change was ` +
        "not saved: the session is committed at the response's first write (as Django does for a " +
        "streamed response); change it before the first res.write()/res.end().",
    );
  }
}

/**
 * The session store could not be reached or refused a query. `operation` names the store call
 * (`load`, `create`, `update`, …) and `cause` holds the driver's own error.
 *
 * @example
 * ```ts
 * import { StoreUnavailable } from "@django-interop/session";
 * const error = new StoreUnavailable("load", new Error("ECONNREFUSED"));
 * console.log(error.message); // Session store failed during load: ECONNREFUSED
 * ```
 */
export class StoreUnavailable extends DjangoSessionError {
  /** The store call that failed. */
  readonly operation: string;

  /**
   * Creates the error.
   *
   * @param operation the store call that failed
   * @param cause the driver's error
   */
  constructor(operation: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super("STORE_UNAVAILABLE", `Session store failed during ${operation}: ${why}`, { cause });
    this.operation = operation;
  }
}

/**
 * A setting Django itself would refuse (Django's `ImproperlyConfigured`), reported when the options
 * are read rather than at the first request.
 *
 * @example
 * ```ts
 * import { ImproperlyConfigured } from "@django-interop/session";
 * const error = new ImproperlyConfigured('cookieSameSite must be "Lax", "Strict", "None" or false');
 * console.log(error.code);
 * ```
 */
export class ImproperlyConfigured extends DjangoSessionError {
  /**
   * Creates the error.
   *
   * @param message which setting is wrong and what it accepts
   */
  constructor(message: string) {
    super("IMPROPERLY_CONFIGURED", message);
  }
}

/** The `./hashers` factory of each Django hasher that is not built in. */
const HASHER_FACTORIES: Record<string, string> = {
  argon2: "argon2Hasher()",
  bcrypt_sha256: "bcryptSha256Hasher()",
  bcrypt: "bcryptHasher()",
  scrypt: "scryptHasher()",
  md5: "md5Hasher()",
  sha1: "sha1Hasher()",
  unsalted_sha1: "unsaltedSha1Hasher()",
  unsalted_md5: "unsaltedMd5Hasher()",
};

/** Why crypt is not offered, and what a site does before it switches (docs/auth.md). */
const CRYPT_REMEDY = 'Password hasher "crypt" (Django\'s CryptPasswordHasher, Unix crypt(3)) is ' +
  "not supported: Django 5.0 removed it, Python 3.13 removed the crypt module, and no maintained " +
  "JavaScript library implements it. Before switching, move these users off it in Django 4.2 or " +
  "earlier: list another hasher first in PASSWORD_HASHERS and keep CryptPasswordHasher after it, " +
  "so that Django re-hashes each password at its next login, or reset the passwords of the users " +
  'whose password starts with "crypt$".';

function unsupportedMessage(algorithm: string): string {
  if (algorithm === "crypt") return CRYPT_REMEDY;
  const factory = HASHER_FACTORIES[algorithm];
  return factory
    ? `Password hasher "${algorithm}" is not configured: add ${factory} from ` +
      `"@django-interop/session/hashers" to the settings' hashers, and its Django class to ` +
      "PASSWORD_HASHERS."
    : `Password hasher "${algorithm}" is not configured: name one of PASSWORD_HASHERS.`;
}

/**
 * A password hash made by a Django hasher that the settings do not implement (argon2, bcrypt, …
 * without its entry in `hashers`), or by Django's `CryptPasswordHasher`, which is not offered (see
 * the message); also `makePassword` with a hasher that is not configured. Answering `false` instead
 * would lock such users out silently. The message says what to do.
 *
 * @example
 * ```ts
 * import { UnsupportedHasher } from "@django-interop/session";
 * const error = new UnsupportedHasher("argon2");
 * console.log(error.algorithm, error.code); // argon2 UNSUPPORTED_HASHER
 * console.log(error.message.includes("argon2Hasher()")); // true
 * ```
 */
export class UnsupportedHasher extends DjangoSessionError {
  /** The hasher's algorithm name, as it prefixes the encoded password. */
  readonly algorithm: string;

  /**
   * Creates the error.
   *
   * @param algorithm the algorithm named by the encoded password
   */
  constructor(algorithm: string) {
    super("UNSUPPORTED_HASHER", unsupportedMessage(algorithm));
    this.algorithm = algorithm;
  }
}

/**
 * A signed-cookie session grew past what browsers keep of one cookie (4096 bytes of name and value,
 * RFC 6265 §6.1). Django sends it anyway and the browser drops it silently; this is thrown instead,
 * at the save that made it too large.
 *
 * @example
 * ```ts
 * import { CookieTooLarge } from "@django-interop/session";
 * const error = new CookieTooLarge(5000, 4086);
 * console.log(error.code, error.size); // COOKIE_TOO_LARGE 5000
 * ```
 */
export class CookieTooLarge extends DjangoSessionError {
  /** The cookie value's length in bytes. */
  readonly size: number;

  /**
   * Creates the error.
   *
   * @param size the cookie value's length
   * @param limit the most the value may take
   */
  constructor(size: number, limit: number) {
    super(
      "COOKIE_TOO_LARGE",
      `The signed session cookie would be ${size} bytes, over the ${limit} that fit in a browser ` +
        "cookie: keep less in the session, or use a database store.",
    );
    this.size = size;
  }
}

/**
 * Django's CSRF check refused an unsafe request (`CsrfViewMiddleware` answers 403). `reason` is
 * Django's own text (`CSRF token missing.`, `Origin checking failed - … does not match any trusted
 * origins.`, …), as Django logs it.
 *
 * @example
 * ```ts
 * import { CsrfFailure } from "@django-interop/session";
 * const error = new CsrfFailure("CSRF cookie not set.");
 * console.log(error.code, error.reason); // CSRF_FAILURE CSRF cookie not set.
 * ```
 */
export class CsrfFailure extends DjangoSessionError {
  /** Django's reason. */
  readonly reason: string;

  /**
   * Creates the error.
   *
   * @param reason Django's reason for the refusal
   */
  constructor(reason: string) {
    super("CSRF_FAILURE", `Forbidden (${reason})`);
    this.reason = reason;
  }
}
