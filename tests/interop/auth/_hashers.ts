/**
 * The password hashers every hasher test runs, with costs lowered on both sides (class attributes
 * in Django, options here) so the suites stay fast; the formats are the same. Used by
 * `hashers.test.ts` on each runtime and by the Worker of `hashers_workerd.test.ts` inside workerd,
 * so it imports nothing from `node:`; that Worker also runs Django's own costs.
 */
import { type DjangoSettings, djangoSettings } from "../../../src/settings/settings.ts";
import { pbkdf2Hasher } from "../../../src/auth/pbkdf2.ts";
import {
  argon2Hasher,
  bcryptHasher,
  bcryptSha256Hasher,
  md5Hasher,
  scryptHasher,
  sha1Hasher,
  unsaltedMd5Hasher,
  unsaltedSha1Hasher,
} from "../../../src/hashers/mod.ts";

export const P = "django.contrib.auth.hashers.";

/** [algorithm, Django class, first Django release without it] */
export const HASHERS: [string, string, number][] = [
  ["pbkdf2_sha256", "PBKDF2PasswordHasher", 99],
  ["pbkdf2_sha1", "PBKDF2SHA1PasswordHasher", 99],
  ["argon2", "Argon2PasswordHasher", 99],
  ["bcrypt_sha256", "BCryptSHA256PasswordHasher", 99],
  ["bcrypt", "BCryptPasswordHasher", 99],
  ["scrypt", "ScryptPasswordHasher", 99],
  ["md5", "MD5PasswordHasher", 99],
  ["sha1", "SHA1PasswordHasher", 5.1],
  ["unsalted_sha1", "UnsaltedSHA1PasswordHasher", 5.1],
  ["unsalted_md5", "UnsaltedMD5PasswordHasher", 5.1],
];

/** Django's hasher classes with the same lowered costs as {@linkcode cheapSettings}. */
export const CHEAP = `
from django.contrib.auth import hashers as h
h.PBKDF2PasswordHasher.iterations = 1000
h.Argon2PasswordHasher.memory_cost = 1024
h.Argon2PasswordHasher.parallelism = 2
h.BCryptSHA256PasswordHasher.rounds = 4
if hasattr(h, "ScryptPasswordHasher"):
    h.ScryptPasswordHasher.work_factor = 1024
`;

/** ASCII, non-ASCII, empty (which hash-wasm refuses) and Django's separator characters. */
export const PASSWORDS = ["correct horse", "pässwörd 🔑 ünïcode", "", "a$b:c"];

/** The hashers Django `version` ships (scrypt since 4.0). */
export function presentHashers(version: string): [string, string, number][] {
  const v = Number(version);
  return HASHERS.filter(([name, , gone]) => v < gone && (name !== "scrypt" || v >= 4));
}

/** `PASSWORD_HASHERS` of Django `version`: every hasher it ships. */
export function passwordHashers(version: string): string[] {
  return presentHashers(version).map(([, cls]) => P + cls);
}

/**
 * Every hasher Django `version` ships, at Django's own costs (PBKDF2 at that release's iterations).
 *
 * @param version Django's `"major.minor"`
 * @returns the settings
 */
export function djangoCostSettings(version: string): DjangoSettings {
  return djangoSettings({
    SECRET_KEY: "hasher-tests",
    djangoVersion: version,
    PASSWORD_HASHERS: passwordHashers(version),
    hashers: [
      argon2Hasher(),
      bcryptSha256Hasher(),
      bcryptHasher(),
      scryptHasher(),
      md5Hasher(),
      sha1Hasher(),
      unsaltedSha1Hasher(),
      unsaltedMd5Hasher(),
    ],
  });
}

/**
 * Every hasher Django `version` ships, at the lowered costs of {@linkcode CHEAP}.
 *
 * @param version Django's `"major.minor"`
 * @returns the settings
 */
export function cheapSettings(version: string): DjangoSettings {
  return djangoSettings({
    SECRET_KEY: "hasher-tests",
    djangoVersion: version,
    PASSWORD_HASHERS: passwordHashers(version),
    hashers: [
      pbkdf2Hasher("pbkdf2_sha256", 1000),
      pbkdf2Hasher("pbkdf2_sha1", 1000),
      argon2Hasher({ memoryCost: 1024, parallelism: 2 }),
      bcryptSha256Hasher({ rounds: 4 }),
      bcryptHasher({ rounds: 4 }),
      scryptHasher({ workFactor: 1024 }),
      md5Hasher(),
      sha1Hasher(),
      unsaltedSha1Hasher(),
      unsaltedMd5Hasher(),
    ],
  });
}
