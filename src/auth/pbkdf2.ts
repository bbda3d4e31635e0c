/**
 * Django's built-in `PBKDF2PasswordHasher` and `PBKDF2SHA1PasswordHasher`, on Web Crypto, with the
 * iteration count of each Django release.
 *
 * @module
 */
import { pbkdf2, timingSafeEqual } from "../primitives/crypto.ts";
import type { PasswordHasher } from "../settings/password_hasher.ts";

/** Django's `PBKDF2PasswordHasher.iterations`, from the release that set each value. */
// deno-fmt-ignore
const ITERATIONS: [version: number, iterations: number][] = [
  [3.2, 260_000], [4.0, 320_000], [4.1, 390_000], [4.2, 600_000], [5.0, 720_000],
  [5.1, 870_000], [5.2, 1_000_000], [6.0, 1_200_000], [6.1, 1_500_000],
];

/**
 * Stored hashes with more iterations than this are refused (read as not matching) rather than
 * computed: 2³²−1 iterations would hold a CPU for minutes per login attempt. Twenty times Django
 * 5.2's count leaves room for sites that raised theirs.
 */
export const MAX_PBKDF2_ITERATIONS = 20_000_000;

/** Django's `salt_entropy` (128 bits) in characters of the 62-letter alphabet. */
const SALT_CHARS = 22;

/** The PBKDF2 algorithms Django ships. */
export type Pbkdf2Algorithm = "pbkdf2_sha256" | "pbkdf2_sha1";

const DIGESTS = {
  pbkdf2_sha256: { hash: "SHA-256", bytes: 32, path: "PBKDF2PasswordHasher" },
  pbkdf2_sha1: { hash: "SHA-1", bytes: 20, path: "PBKDF2SHA1PasswordHasher" },
} as const satisfies Record<Pbkdf2Algorithm, { hash: string; bytes: number; path: string }>;

/** A PBKDF2 hasher with its iteration count. */
export interface Pbkdf2Hasher extends PasswordHasher {
  /** The iterations new hashes get. */
  readonly iterations: number;
}

/**
 * The iteration count Django `version` uses.
 *
 * @param version `"major.minor"`
 * @returns the count of that release (or the latest earlier one)
 */
export function pbkdf2Iterations(version: string): number {
  const v = Number(version);
  let iterations = ITERATIONS[0][1];
  for (const [since, count] of ITERATIONS) if (since <= v + 1e-9) iterations = count;
  return iterations;
}

function parse(encoded: string): { iterations: number; salt: string; hash: string } | null {
  const parts = encoded.split("$");
  if (parts.length !== 4 || !/^[1-9]\d{0,9}$/.test(parts[1])) return null;
  const iterations = Number(parts[1]);
  return iterations > MAX_PBKDF2_ITERATIONS ? null : { iterations, salt: parts[2], hash: parts[3] };
}

/**
 * A Django PBKDF2 hasher.
 *
 * @param algorithm `"pbkdf2_sha256"` (Django's default) or `"pbkdf2_sha1"`
 * @param iterations the count new hashes get and `mustUpdate` compares with
 * @returns the hasher
 * @throws {RangeError} when `iterations` is not a whole number from 1 to the cap
 */
export function pbkdf2Hasher(algorithm: Pbkdf2Algorithm, iterations: number): Pbkdf2Hasher {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new RangeError(`iterations must be a whole number from 1 to ${MAX_PBKDF2_ITERATIONS}`);
  }
  const { hash, bytes, path } = DIGESTS[algorithm];
  const derive = async (password: string, salt: string, count: number) =>
    btoa(String.fromCharCode(...await pbkdf2(password, salt, count, hash, bytes)));
  return {
    algorithm,
    path: `django.contrib.auth.hashers.${path}`,
    iterations,
    salt: () => randomSalt(),
    encode: async (password, salt) =>
      `${algorithm}$${iterations}$${salt}$${await derive(password, salt, iterations)}`,
    async verify(password, encoded) {
      const parsed = parse(encoded);
      if (!parsed) return false;
      // Django compares the whole re-encoded string (`constant_time_compare(encoded, encoded_2)`).
      return timingSafeEqual(parsed.hash, await derive(password, parsed.salt, parsed.iterations));
    },
    mustUpdate(encoded) {
      const parsed = parse(encoded);
      return !parsed || parsed.iterations !== iterations || parsed.salt.length < SALT_CHARS;
    },
    async hardenRuntime(password, encoded) {
      const parsed = parse(encoded);
      const extra = parsed ? iterations - parsed.iterations : 0;
      if (parsed && extra > 0) await derive(password, parsed.salt, extra);
    },
  };
}

/**
 * The built-in hashers at the iterations of Django `version`.
 *
 * @param version `"major.minor"`
 * @returns PBKDF2-SHA256 and PBKDF2-SHA1
 */
export function builtInHashers(version: string): Pbkdf2Hasher[] {
  const iterations = pbkdf2Iterations(version);
  return [pbkdf2Hasher("pbkdf2_sha256", iterations), pbkdf2Hasher("pbkdf2_sha1", iterations)];
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * Django's `get_random_string(length)`: uniform over 62 characters (rejection sampling).
 *
 * @param length how many characters
 * @returns the random string
 */
export function randomSalt(length: number = SALT_CHARS): string {
  let text = "";
  while (text.length < length) {
    // 248 = 4 × 62: drawing again above it keeps every character equally likely.
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < 248 && text.length < length) text += ALPHABET[byte % 62];
    }
  }
  return text;
}
