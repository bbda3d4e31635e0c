/**
 * Cookie parsing: our Django-faithful `parseCookie` against the `cookie` package's `parseCookie`, on a
 * browser-like header (session, CSRF token, analytics cookies) and on a 4 KB one. Runs on any
 * runtime: `node --import tsx bench/http_cookie.bench.ts`, `deno run -A …`, `bun …`.
 * Prints operations per second (median of 5 rounds) and the ratio ours / cookie.
 */
import { parseCookie as parse } from "cookie";
import { parseCookie } from "../src/http/mod.ts";

const browser =
  "csrftoken=Wq3Mz0kGk1w6H2QdQYkqZ8fS1t3pXw7N; sessionid=k2n3b5m1q9w8e7r6t5y4u3i2o1p0a9s8; " +
  "_ga=GA1.1.1234567890.1700000000; theme=dark";
const large = browser + "; " +
  Array.from(
    { length: 60 },
    (_, i) => `pref_${i}=value${i}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
  ).join("; ");

function opsPerSecond(fn: () => unknown): number {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < 300) {
      for (let i = 0; i < 1000; i++) fn();
      n += 1000;
    }
    rounds.push(n / ((performance.now() - start) / 1000));
  }
  return rounds.sort((a, b) => a - b)[2];
}

for (
  const [name, header] of [["browser header", browser], [`${large.length}-byte header`, large]]
) {
  // Both read the session cookie, as withSession does.
  const ours = opsPerSecond(() => parseCookie(header).get("sessionid"));
  const theirs = opsPerSecond(() => parse(header).sessionid);
  console.log(
    `${name.padEnd(18)} parseCookie ${(ours / 1e3).toFixed(0)}k/s  cookie.parseCookie ${
      (theirs / 1e3).toFixed(0)
    }k/s  ratio ${(ours / theirs).toFixed(2)}`,
  );
}
