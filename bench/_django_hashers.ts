/**
 * The Django side of the hasher benchmarks: Django 5.2 makes one hash per hasher with its default
 * parameters and times its own `check_password` on it (median of `runs`), in one Python process.
 */
import { spawnSync } from "node:child_process";
import { djangoSettings } from "../src/settings/settings.ts";
import {
  argon2Hasher,
  bcryptHasher,
  bcryptSha256Hasher,
  md5Hasher,
  scryptHasher,
} from "../src/hashers/mod.ts";

export const PASSWORD = "correct horse battery staple";
export const P = "django.contrib.auth.hashers.";
export const CLASSES = [
  "PBKDF2PasswordHasher",
  "PBKDF2SHA1PasswordHasher",
  "Argon2PasswordHasher",
  "BCryptSHA256PasswordHasher",
  "BCryptPasswordHasher",
  "ScryptPasswordHasher",
  "MD5PasswordHasher",
];

/** Our side: the same hashers with Django's default parameters. */
export const BENCH_SETTINGS = djangoSettings({
  SECRET_KEY: "bench",
  PASSWORD_HASHERS: CLASSES.map((c) => P + c),
  hashers: [argon2Hasher(), bcryptSha256Hasher(), bcryptHasher(), scryptHasher(), md5Hasher()],
});

/** The median of `runs` timings of `op`, in ms, after one warm-up call (which loads libraries). */
export async function median(runs: number, op: () => Promise<unknown>): Promise<number> {
  await op();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await op();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/**
 * Django 5.2's hash of {@linkcode PASSWORD} per algorithm, and its `check_password` time.
 *
 * @param runs checks per hasher
 * @returns `{ algorithm: [encoded, median ms] }`
 */
export function djangoHashes(runs: number): Record<string, [string, number]> {
  const code = `
import json, statistics, sys, time
import django
from django.conf import settings
settings.configure(SECRET_KEY="bench", PASSWORD_HASHERS=${
    JSON.stringify(CLASSES.map((c) => P + c))
  })
django.setup()
from django.contrib.auth import hashers as h
out = {}
for hasher in h.get_hashers():
    encoded = h.make_password(${JSON.stringify(PASSWORD)}, hasher=hasher.algorithm)
    times = []
    for _ in range(${runs}):
        t = time.perf_counter(); assert h.check_password(${JSON.stringify(PASSWORD)}, encoded)
        times.append((time.perf_counter() - t) * 1000)
    out[hasher.algorithm] = [encoded, statistics.median(times)]
print(json.dumps(out))
`;
  const django = spawnSync("/usr/bin/python3", ["-c", code], {
    encoding: "utf8",
    env: {
      ...process.env,
      PYTHONPATH:
        new URL("../.cache/django/5.2/root/usr/lib/python3/dist-packages", import.meta.url)
          .pathname,
    },
  });
  if (django.status !== 0) throw new Error(django.stderr);
  return JSON.parse(django.stdout);
}
