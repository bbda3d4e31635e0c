/**
 * The contract of a Django password hasher (`django.contrib.auth.hashers.BasePasswordHasher`), as
 * the settings' `hashers` key takes it. PBKDF2 is built in; argon2, bcrypt, scrypt and the legacy
 * hashers come from `@django-interop/session/hashers`.
 *
 * @module
 */

/**
 * One of Django's password hashers: what `PASSWORD_HASHERS` names by dotted path.
 *
 * @example
 * ```ts
 * import type { PasswordHasher } from "@django-interop/session";
 * const plain: PasswordHasher = {
 *   algorithm: "plain",
 *   path: "myproject.hashers.PlainHasher",
 *   salt: () => "",
 *   encode: (password) => Promise.resolve(`plain$$${password}`),
 *   verify: (password, encoded) => Promise.resolve(encoded === `plain$$${password}`),
 *   mustUpdate: () => false,
 * };
 * ```
 */
export interface PasswordHasher {
  /** The prefix of its hashes (`"argon2"`, `"bcrypt_sha256"`, …): Django's `algorithm`. */
  readonly algorithm: string;
  /** The dotted path `PASSWORD_HASHERS` lists it under. */
  readonly path: string;
  /** A fresh salt, as Django's `salt()` draws it. */
  salt(): string;
  /** Django's `encode(password, salt)`: the text for `auth_user.password`. */
  encode(password: string, salt: string): Promise<string>;
  /** Django's `verify(password, encoded)`, in constant time where Django's is. */
  verify(password: string, encoded: string): Promise<boolean>;
  /** Django's `must_update(encoded)`: the hash was made with weaker parameters than today's. */
  mustUpdate(encoded: string): boolean;
  /** Django's `harden_runtime`: the work a wrong password would have cost at today's parameters. */
  hardenRuntime?(password: string, encoded: string): Promise<void>;
  /**
   * The hasher with the defaults of Django `djangoVersion` (the settings' release), for a hasher
   * whose default parameters changed between releases (scrypt's parallelism in 5.0); absent when
   * none did.
   */
  forRelease?(djangoVersion: string): PasswordHasher;
}
