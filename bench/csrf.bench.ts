/**
 * The CSRF check's cost per request against Django's own: the same POST (the `csrftoken` cookie,
 * a same-origin `Origin`, a masked `X-CSRFToken`) through Django's `CsrfViewMiddleware`
 * (`process_request` + `process_view`, timed by a Python loop over prepared requests) and through
 * `csrfCheck` (timed by a JS loop over prepared inputs), in one run; medians of BENCH_RUNS rounds.
 * Django 5.2 from .cache/django, or the system's 3.2 when it is not unpacked (the table says which).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { csrfCheck, maskCsrfSecret, newCsrfSecret } from "../src/csrf/mod.ts";
import { SignedCookieBackend } from "../src/stores/signed_cookies.ts";

const env =
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const RUNS = Number(env.BENCH_RUNS ?? 5);
const N = 20000;
const modern =
  new URL("../.cache/django/5.2/root/usr/lib/python3/dist-packages", import.meta.url).pathname;
const version = existsSync(modern) ? "5.2" : "3.2";

const PYTHON = `
import json, sys, time
from django.conf import settings
settings.configure(SECRET_KEY="k", ALLOWED_HOSTS=["*"], MIDDLEWARE=[])
import django
django.setup()
from django.middleware.csrf import CsrfViewMiddleware
from django.test import RequestFactory
cookie, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
factory, view = RequestFactory(), (lambda request: None)
middleware = CsrfViewMiddleware(view)
requests = [factory.post("/buy", HTTP_COOKIE="csrftoken=" + cookie, HTTP_ORIGIN="http://testserver",
                         HTTP_X_CSRFTOKEN=token) for _ in range(n)]
start = time.perf_counter()
for request in requests:
    middleware.process_request(request)
    assert middleware.process_view(request, view, (), {}) is None
print(json.dumps((time.perf_counter() - start) / n * 1e9))
`;

function django(cookie: string, token: string): number {
  const out = execFileSync("/usr/bin/python3", ["-c", PYTHON, cookie, token, String(N)], {
    env: { ...env, PYTHONPATH: version === "5.2" ? modern : "" },
    encoding: "utf8",
  });
  return Number(out.trim());
}

async function ours(cookie: string, token: string): Promise<number> {
  const backend = new SignedCookieBackend({ SECRET_KEY: "k", djangoVersion: version });
  const inputs = Array.from({ length: N }, () => ({
    method: "POST",
    url: "http://testserver/buy",
    headers: new Headers({
      cookie: `csrftoken=${cookie}`,
      origin: "http://testserver",
      "x-csrftoken": token,
    }),
  }));
  const sessions = inputs.map(() => backend.getSession(null));
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    if (!(await csrfCheck(inputs[i], sessions[i])).ok) throw new Error("refused");
  }
  return (performance.now() - start) / N * 1e6;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secret = newCsrfSecret();
const cookie = version === "5.2" ? secret : maskCsrfSecret(secret);
const [theirs, mine]: number[][] = [[], []];
for (let run = 0; run < RUNS; run++) {
  theirs.push(django(cookie, maskCsrfSecret(secret)));
  mine.push(await ours(cookie, maskCsrfSecret(secret)));
}
const [d, o] = [median(theirs), median(mine)];
console.log(`csrf check per request (${N} requests × ${RUNS} rounds, medians)`);
console.log(`  Django ${version} CsrfViewMiddleware  ${d.toFixed(0).padStart(7)} ns`);
console.log(`  csrfCheck                    ${o.toFixed(0).padStart(7)} ns`);
console.log(`  ratio Django / ours          ${(d / o).toFixed(2).padStart(7)} ×`);
