/**
 * Each password hasher against Django 5.2's own `check_password` on the same hash, with Django's
 * default parameters, in one run (so the machine's speed cancels out): the ratio is Django's time
 * over ours (above 1: we are faster). For argon2 and scrypt the pure-JavaScript engine
 * (@noble/hashes, what Workers get) is timed too, and for bcrypt bcryptjs, so the choice of
 * library stays measured. Standalone on any runtime:
 *
 *   node --import tsx bench/hashers.bench.ts
 *   node_modules/.bin/deno run -A bench/hashers.bench.ts
 *   node_modules/.bin/bun bench/hashers.bench.ts
 *
 * BENCH_RUNS (default 3) checks per hasher and side; the median is reported.
 */
import { spawnSync } from "node:child_process";
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import bcryptjs from "bcryptjs";
import { checkPassword } from "../src/auth/hashers.ts";
import { djangoSettings } from "../src/settings/settings.ts";
import {
  argon2Hasher,
  bcryptHasher,
  bcryptSha256Hasher,
  md5Hasher,
  scryptHasher,
} from "../src/hashers/mod.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PASSWORD = "correct horse battery staple";
const P = "django.contrib.auth.hashers.";
const CLASSES = [
  "PBKDF2PasswordHasher",
  "PBKDF2SHA1PasswordHasher",
  "Argon2PasswordHasher",
  "BCryptSHA256PasswordHasher",
  "BCryptPasswordHasher",
  "ScryptPasswordHasher",
  "MD5PasswordHasher",
];
const DJANGO = `
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
    for _ in range(${RUNS}):
        t = time.perf_counter(); assert h.check_password(${JSON.stringify(PASSWORD)}, encoded)
        times.append((time.perf_counter() - t) * 1000)
    out[hasher.algorithm] = [encoded, statistics.median(times)]
print(json.dumps(out))
`;

const django = spawnSync("/usr/bin/python3", ["-c", DJANGO], {
  encoding: "utf8",
  env: {
    ...process.env,
    PYTHONPATH: new URL("../.cache/django/5.2/root/usr/lib/python3/dist-packages", import.meta.url)
      .pathname,
  },
});
if (django.status !== 0) throw new Error(django.stderr);
const theirs: Record<string, [string, number]> = JSON.parse(django.stdout);

const settings = djangoSettings({
  SECRET_KEY: "bench",
  PASSWORD_HASHERS: CLASSES.map((c) => P + c),
  hashers: [argon2Hasher(), bcryptSha256Hasher(), bcryptHasher(), scryptHasher(), md5Hasher()],
});

async function median(op: () => Promise<unknown>): Promise<number> {
  await op(); // warm-up: the first call loads the library
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await op();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const utf8 = (s: string) => new TextEncoder().encode(s);
/** The other libraries, on the same hashes, verifying by recomputing as our hashers do. */
const ALTERNATIVES: Record<string, [string, (encoded: string) => Promise<unknown>]> = {
  argon2: ["@noble/hashes", (encoded) => {
    const [, , , , salt] = encoded.split("$");
    return argon2idAsync(utf8(PASSWORD), Uint8Array.from(atob(salt), (c) => c.charCodeAt(0)), {
      t: 2,
      m: 102400,
      p: 8,
      dkLen: 16,
    });
  }],
  scrypt: ["@noble/hashes", (encoded) => {
    const [, n, salt, r, p] = encoded.split("$");
    return scryptAsync(utf8(PASSWORD), utf8(salt), { N: +n, r: +r, p: +p, dkLen: 64 });
  }],
  bcrypt: ["bcryptjs", (encoded) => bcryptjs.compare(PASSWORD, encoded.slice("bcrypt$".length))],
};

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
console.log(`password hashers on ${runtime}: check_password, ms (median of ${RUNS})`);
console.log("| hasher | ours | Django 5.2 | Django / ours | other library | its ms |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const [algorithm, [encoded, djangoMs]] of Object.entries(theirs)) {
  const ours = await median(async () => {
    if (!(await checkPassword(PASSWORD, encoded, settings)).ok) throw new Error(algorithm);
  });
  const alternative = ALTERNATIVES[algorithm];
  const other = alternative ? await median(() => alternative[1](encoded)) : null;
  console.log(
    `| ${algorithm} | ${ours.toPrecision(3)} | ${djangoMs.toPrecision(3)} | ` +
      `${(djangoMs / ours).toFixed(2)}× | ${alternative?.[0] ?? "—"} | ` +
      `${other?.toPrecision(3) ?? "—"} |`,
  );
}
