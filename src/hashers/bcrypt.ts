/**
 * Django's `BCryptSHA256PasswordHasher` (`bcrypt_sha256$` + bcrypt of the password's hex SHA-256,
 * so no 72-byte truncation) and `BCryptPasswordHasher` (`bcrypt$` + bcrypt of the password), on
 * hash-wasm, or bcryptjs where WebAssembly cannot run (see `engines.ts`).
 *
 * @module
 */
import { hash as sha, sha256 } from "../primitives/sha.ts";
import { timingSafeEqual, utf8 } from "../primitives/crypto.ts";
import type { PasswordHasher } from "../settings/password_hasher.ts";
import { bcryptRaw } from "./engines.ts";

/** Django's bcrypt options. */
export interface BcryptOptions {
  /** `rounds`, the log₂ work factor new hashes get. @default {12} */
  rounds?: number;
}

const BCRYPT = /^\$2[abxy]?\$(\d{2})\$[./A-Za-z0-9]{53}$/;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function bcryptHasherOf(
  algorithm: "bcrypt_sha256" | "bcrypt",
  path: string,
  { rounds = 12 }: BcryptOptions,
): PasswordHasher {
  const prepare = algorithm === "bcrypt_sha256"
    ? (password: string) => hex(sha(sha256, utf8(password)))
    : (password: string) => password;
  const prefix = `${algorithm}$`;
  const hashpw = async (password: string, salt: string) =>
    prefix + await bcryptRaw(prepare(password), salt);
  const rest = (encoded: string) => encoded.startsWith(prefix) ? encoded.slice(prefix.length) : "";
  return {
    algorithm,
    path,
    // Django's salt() is bcrypt.gensalt(rounds): "$2b$12$" + 22 characters.
    salt: () => {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      return `$2b$${String(rounds).padStart(2, "0")}$${bcryptBase64(bytes)}`;
    },
    encode: (password, salt) => hashpw(password, salt),
    async verify(password, encoded) {
      const data = rest(encoded);
      if (!BCRYPT.test(data)) return false;
      // Django re-encodes with the stored salt and compares the whole strings.
      return timingSafeEqual(encoded, await hashpw(password, data.slice(0, 29)));
    },
    mustUpdate: (encoded) => Number(BCRYPT.exec(rest(encoded))?.[1]) !== rounds,
    async hardenRuntime(password, encoded) {
      const data = rest(encoded);
      const stored = Number(BCRYPT.exec(data)?.[1]);
      for (let extra = 2 ** (rounds - stored) - 1; extra > 0; extra--) {
        await hashpw(password, data.slice(0, 29));
      }
    },
  };
}

const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** bcrypt's own base64 of 16 salt bytes: 22 characters. */
function bcryptBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += BCRYPT_ALPHABET[(n >> 18) & 63] + BCRYPT_ALPHABET[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += BCRYPT_ALPHABET[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += BCRYPT_ALPHABET[n & 63];
  }
  return out.slice(0, 22);
}

/**
 * Django's `BCryptSHA256PasswordHasher`, for the settings' `hashers`.
 *
 * @param options the rounds new hashes get (Django's 12 by default)
 * @returns the hasher
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { makePassword, verifyPassword } from "@django-interop/session/auth";
 * import { bcryptSha256Hasher } from "@django-interop/session/hashers";
 * const settings = djangoSettings({
 *   SECRET_KEY: "k",
 *   PASSWORD_HASHERS: ["django.contrib.auth.hashers.BCryptSHA256PasswordHasher"],
 *   hashers: [bcryptSha256Hasher({ rounds: 4 })],
 * });
 * const encoded = await makePassword("s3cret", settings);
 * console.log(encoded.startsWith("bcrypt_sha256$$2b$04$"), await verifyPassword("s3cret", encoded, settings)); // true true
 * ```
 */
export function bcryptSha256Hasher(options: BcryptOptions = {}): PasswordHasher {
  return bcryptHasherOf(
    "bcrypt_sha256",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    options,
  );
}

/**
 * Django's `BCryptPasswordHasher` (passwords past 72 bytes are truncated, as bcrypt does).
 *
 * @param options the rounds new hashes get (Django's 12 by default)
 * @returns the hasher
 *
 * @example
 * ```ts
 * import { bcryptHasher } from "@django-interop/session/hashers";
 * const hasher = bcryptHasher({ rounds: 4 });
 * console.log(await hasher.verify("s3cret", await hasher.encode("s3cret", hasher.salt()))); // true
 * ```
 */
export function bcryptHasher(options: BcryptOptions = {}): PasswordHasher {
  return bcryptHasherOf("bcrypt", "django.contrib.auth.hashers.BCryptPasswordHasher", options);
}
