/**
 * Django's `Argon2PasswordHasher`: `argon2` + argon2-cffi's PHC string, e.g.
 * `argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>` (unpadded base64; Django's salt is its
 * 22-character random string). Verifies argon2id, argon2i and argon2d, versions 0x13 and 0x10.
 *
 * @module
 */
import { randomSalt } from "../auth/pbkdf2.ts";
import { timingSafeEqual, utf8 } from "../primitives/crypto.ts";
import type { PasswordHasher } from "../settings/password_hasher.ts";
import { base64, unbase64 } from "./base64.ts";
import { type Argon2Params, argon2Raw, type Argon2Variant } from "./engines.ts";

/** Django's cost parameters (unchanged from 3.2 to 6.1) and argon2-cffi's hash length. */
export interface Argon2Options {
  /** `time_cost`. @default {2} */
  timeCost?: number;
  /** `memory_cost` in KiB. @default {102400} */
  memoryCost?: number;
  /** `parallelism`. @default {8} */
  parallelism?: number;
}

const HASH_LENGTH = 16; // argon2-cffi's DEFAULT_HASH_LENGTH
const PHC =
  /^argon2\$(argon2id|argon2i|argon2d)\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface Decoded extends Argon2Params {
  salt: Uint8Array;
  hash: Uint8Array;
}

function decode(encoded: string): Decoded | null {
  const m = PHC.exec(encoded);
  if (!m) return null;
  const [, variant, version = "16", memoryCost, timeCost, parallelism, salt64, hash64] = m;
  const salt = unbase64(salt64);
  const hash = unbase64(hash64);
  if (!salt || !hash) return null;
  return {
    variant: variant as Argon2Variant,
    version: Number(version),
    memoryCost: Number(memoryCost),
    timeCost: Number(timeCost),
    parallelism: Number(parallelism),
    hashLength: hash.length,
    salt,
    hash,
  };
}

/**
 * Django's `Argon2PasswordHasher`, for the settings' `hashers`.
 *
 * @param options the cost parameters new hashes get (Django's by default)
 * @returns the hasher
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { makePassword, verifyPassword } from "@django-interop/session/auth";
 * import { argon2Hasher } from "@django-interop/session/hashers";
 * const settings = djangoSettings({
 *   SECRET_KEY: "k",
 *   PASSWORD_HASHERS: ["django.contrib.auth.hashers.Argon2PasswordHasher"],
 *   hashers: [argon2Hasher({ memoryCost: 1024 })],
 * });
 * const encoded = await makePassword("s3cret", settings);
 * console.log(encoded.startsWith("argon2$argon2id$v=19$m=1024,t=2,p=8$")); // true
 * console.log(await verifyPassword("s3cret", encoded, settings)); // true
 * ```
 */
export function argon2Hasher(options: Argon2Options = {}): PasswordHasher {
  const { timeCost = 2, memoryCost = 102400, parallelism = 8 } = options;
  const current: Argon2Params = {
    variant: "argon2id",
    version: 0x13,
    timeCost,
    memoryCost,
    parallelism,
    hashLength: HASH_LENGTH,
  };
  return {
    algorithm: "argon2",
    path: "django.contrib.auth.hashers.Argon2PasswordHasher",
    salt: () => randomSalt(),
    async encode(password, salt) {
      const saltBytes = utf8(salt);
      const hash = await argon2Raw(utf8(password), saltBytes, current);
      return `argon2$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$` +
        `${base64(saltBytes, false)}$${base64(hash, false)}`;
    },
    async verify(password, encoded) {
      const decoded = decode(encoded);
      if (!decoded) return false;
      return timingSafeEqual(decoded.hash, await argon2Raw(utf8(password), decoded.salt, decoded));
    },
    mustUpdate(encoded) {
      const d = decode(encoded);
      if (!d) return true;
      const same = d.variant === current.variant && d.version === current.version &&
        d.timeCost === timeCost && d.memoryCost === memoryCost && d.parallelism === parallelism &&
        d.hashLength === HASH_LENGTH;
      // Django's must_update_salt: fewer than 128 bits of its 62-letter alphabet.
      return !same || d.salt.length < 22;
    },
  };
}
