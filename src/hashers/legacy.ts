/**
 * Django's legacy hashers, for sites that still hold such hashes: salted `sha1` and `md5`, and the
 * unsalted `sha1$$…` and bare 32-digit MD5. Django 5.1 removed all but `MD5PasswordHasher`. MD5
 * comes from @noble/hashes (an optional peer dependency); SHA-1 is ours. Django's
 * `CryptPasswordHasher` (Unix `crypt(3)`, DES with a 2-character salt; removed in Django 5.0, its
 * `crypt` module in Python 3.13) has no maintained JavaScript library and is not offered: such
 * hashes throw `UnsupportedHasher`, whose message says how to move those users off it in Django
 * first (docs/auth.md, "crypt: not offered").
 *
 * @module
 */
import { hash, sha1 } from "../primitives/sha.ts";
import { timingSafeEqual, utf8 } from "../primitives/crypto.ts";
import type { PasswordHasher } from "../settings/password_hasher.ts";
import { randomSalt } from "../auth/pbkdf2.ts";

type Digest = (data: Uint8Array) => Promise<Uint8Array>;

const sha1Digest: Digest = (data) => Promise.resolve(hash(sha1, data));
const md5Digest: Digest = async (data) => (await import("@noble/hashes/legacy.js")).md5(data);

async function hexOf(digest: Digest, text: string): Promise<string> {
  return Array.from(await digest(utf8(text)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function salted(algorithm: "sha1" | "md5", path: string, digest: Digest): PasswordHasher {
  const encode = async (password: string, salt: string) =>
    `${algorithm}$${salt}$${await hexOf(digest, salt + password)}`;
  return {
    algorithm,
    path: `django.contrib.auth.hashers.${path}`,
    salt: () => randomSalt(),
    encode,
    async verify(password, encoded) {
      const [, salt, stored] = encoded.split("$");
      return stored !== undefined && timingSafeEqual(encoded, await encode(password, salt));
    },
    // Django's must_update_salt: fewer than 128 bits of salt.
    mustUpdate: (encoded) => (encoded.split("$")[1] ?? "").length < 22,
  };
}

function unsalted(algorithm: "unsalted_sha1" | "unsalted_md5", digest: Digest): PasswordHasher {
  const prefix = algorithm === "unsalted_sha1" ? "sha1$$" : "";
  const encode = async (password: string) => prefix + await hexOf(digest, password);
  return {
    algorithm,
    path: `django.contrib.auth.hashers.${
      algorithm === "unsalted_sha1" ? "UnsaltedSHA1" : "UnsaltedMD5"
    }PasswordHasher`,
    salt: () => "",
    encode: (password) => encode(password),
    async verify(password, encoded) {
      // Django's UnsaltedMD5PasswordHasher also accepts the `md5$$` form.
      const bare = algorithm === "unsalted_md5" && encoded.startsWith("md5$$")
        ? encoded.slice(5)
        : encoded;
      return timingSafeEqual(bare, await encode(password));
    },
    mustUpdate: () => false,
  };
}

/**
 * Django's `SHA1PasswordHasher` (`sha1$<salt>$<hex>`; Django ≤ 5.0).
 *
 * @returns the hasher
 *
 * @example
 * ```ts
 * import { sha1Hasher } from "@django-interop/session/hashers";
 * console.log(await sha1Hasher().encode("s3cret", "seasalt")); // sha1$seasalt$…
 * ```
 */
export function sha1Hasher(): PasswordHasher {
  return salted("sha1", "SHA1PasswordHasher", sha1Digest);
}

/**
 * Django's `MD5PasswordHasher` (`md5$<salt>$<hex>`).
 *
 * @returns the hasher
 *
 * @example
 * ```ts
 * import { md5Hasher } from "@django-interop/session/hashers";
 * const hasher = md5Hasher();
 * console.log(await hasher.verify("s3cret", await hasher.encode("s3cret", "seasalt"))); // true
 * ```
 */
export function md5Hasher(): PasswordHasher {
  return salted("md5", "MD5PasswordHasher", md5Digest);
}

/**
 * Django's `UnsaltedSHA1PasswordHasher` (`sha1$$<hex>`; Django ≤ 5.0).
 *
 * @returns the hasher
 *
 * @example
 * ```ts
 * import { unsaltedSha1Hasher } from "@django-interop/session/hashers";
 * console.log((await unsaltedSha1Hasher().encode("s3cret", "")).length); // 46
 * ```
 */
export function unsaltedSha1Hasher(): PasswordHasher {
  return unsalted("unsalted_sha1", sha1Digest);
}

/**
 * Django's `UnsaltedMD5PasswordHasher` (32 hex digits, or `md5$$<hex>`; Django ≤ 5.0).
 *
 * @returns the hasher
 *
 * @example
 * ```ts
 * import { unsaltedMd5Hasher } from "@django-interop/session/hashers";
 * console.log((await unsaltedMd5Hasher().encode("s3cret", "")).length); // 32
 * ```
 */
export function unsaltedMd5Hasher(): PasswordHasher {
  return unsalted("unsalted_md5", md5Digest);
}
