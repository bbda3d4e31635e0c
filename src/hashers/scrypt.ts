/**
 * Django's `ScryptPasswordHasher` (4.0+): `scrypt$<n>$<salt>$<r>$<p>$<base64 of 64 bytes>`.
 *
 * @module
 */
import { randomSalt } from "../auth/pbkdf2.ts";
import { timingSafeEqual, utf8 } from "../primitives/crypto.ts";
import type { PasswordHasher } from "../settings/password_hasher.ts";
import { djangoAtLeast } from "../settings/settings.ts";
import { base64 } from "./base64.ts";
import { scryptRaw } from "./engines.ts";

/** Django's scrypt parameters. */
export interface ScryptOptions {
  /** `work_factor` (N). @default {16384} */
  workFactor?: number;
  /** `block_size` (r). @default {8} */
  blockSize?: number;
  /**
   * `parallelism` (p).
   *
   * @default 5, as Django 5.0+; 1 when the settings' `djangoVersion` is 4.x, as Django 4.x
   */
  parallelism?: number;
}

const ENCODED = /^scrypt\$(\d+)\$([^$]*)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)$/;

/**
 * Django's `ScryptPasswordHasher`, for the settings' `hashers`.
 *
 * @param options the parameters new hashes get (Django's by default)
 * @returns the hasher
 *
 * @example
 * ```ts
 * import { scryptHasher } from "@django-interop/session/hashers";
 * const hasher = scryptHasher({ workFactor: 1024 });
 * const encoded = await hasher.encode("s3cret", "seasalt");
 * console.log(encoded.startsWith("scrypt$1024$seasalt$8$5$"), await hasher.verify("s3cret", encoded)); // true true
 * ```
 */
export function scryptHasher(options: ScryptOptions = {}): PasswordHasher {
  const hasher = scryptWith(options, options.parallelism ?? 5);
  if (options.parallelism !== undefined) return hasher;
  // Django 5.0 raised the default parallelism from 1 to 5.
  const before50 = scryptWith(options, 1);
  const forRelease = (version: string) =>
    djangoAtLeast({ djangoVersion: version }, "5.0") ? hasher : before50;
  return { ...hasher, forRelease };
}

function scryptWith(options: ScryptOptions, parallelism: number): PasswordHasher {
  const { workFactor = 2 ** 14, blockSize = 8 } = options;
  const encodeWith = async (password: string, salt: string, n: number, r: number, p: number) => {
    const hash = await scryptRaw(utf8(password), utf8(salt), n, r, p, 64);
    return `scrypt$${n}$${salt}$${r}$${p}$${base64(hash)}`;
  };
  return {
    algorithm: "scrypt",
    path: "django.contrib.auth.hashers.ScryptPasswordHasher",
    salt: () => randomSalt(),
    encode: (password, salt) => encodeWith(password, salt, workFactor, blockSize, parallelism),
    async verify(password, encoded) {
      const m = ENCODED.exec(encoded);
      if (!m) return false;
      const [, n, salt, r, p] = m;
      // Powers of two only, and a bounded memory (128·N·r bytes), as hashlib would refuse.
      if (!/^(?:[2-9]|[1-9]\d{1,6})$/.test(n) || (Number(n) & (Number(n) - 1)) !== 0) return false;
      const again = await encodeWith(password, salt, Number(n), Number(r), Number(p));
      return timingSafeEqual(encoded, again);
    },
    mustUpdate(encoded) {
      const m = ENCODED.exec(encoded);
      return !m || Number(m[1]) !== workFactor || Number(m[3]) !== blockSize ||
        Number(m[4]) !== parallelism;
    },
  };
}
