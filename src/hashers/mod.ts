/**
 * Django's password hashers beyond PBKDF2, for the settings' `hashers`: argon2 (Django's
 * recommendation), bcrypt_sha256, bcrypt, scrypt and the legacy ones. Each library is an optional
 * peer dependency of this entry only: hash-wasm (argon2, scrypt; @noble/hashes where WebAssembly
 * cannot be compiled, as on Workers), bcryptjs (bcrypt), @noble/hashes (MD5).
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
