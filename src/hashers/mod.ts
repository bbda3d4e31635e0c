/**
 * Django's password hashers beyond PBKDF2, for the settings' `hashers`: argon2 (Django's
 * recommendation), bcrypt_sha256, bcrypt, scrypt and the legacy ones. Each library is an optional
 * peer dependency of this entry only: hash-wasm (argon2, scrypt, bcrypt), and where WebAssembly
 * cannot be compiled at run time @noble/hashes (argon2, scrypt) and bcryptjs (bcrypt); @noble/hashes
 * also gives MD5. On Cloudflare Workers (workerd refuses run-time WebAssembly) every hasher runs on
 * the latter two, so install them there. Django's `CryptPasswordHasher` is not offered: its hashes
 * throw `UnsupportedHasher`, whose message says how to move those users off it (docs/auth.md).
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { argon2Hasher, bcryptSha256Hasher, scryptHasher } from "@django-interop/session/hashers";
 * // Django's default PASSWORD_HASHERS, every one of them implemented:
 * const settings = djangoSettings({
 *   SECRET_KEY: "django-insecure-key",
 *   hashers: [argon2Hasher(), bcryptSha256Hasher(), scryptHasher()],
 * });
 * console.log(settings.hashers.length); // 3
 * ```
 *
 * @module
 */
export { argon2Hasher, type Argon2Options } from "./argon2.ts";
export { bcryptHasher, type BcryptOptions, bcryptSha256Hasher } from "./bcrypt.ts";
export { scryptHasher, type ScryptOptions } from "./scrypt.ts";
export { md5Hasher, sha1Hasher, unsaltedMd5Hasher, unsaltedSha1Hasher } from "./legacy.ts";
