/**
 * The requests of the CSRF parity table (tests/interop/csrf/reasons.test.ts and each adapter's
 * own): every legitimate, forged, missing, malformed, wrong-origin and insecure-referer case, sent
 * to real Django and to a TypeScript service, which must answer alike.
 */
import assert from "node:assert/strict";
import type { Django, DjangoVersion } from "../../_django.ts";
import { maskCsrfSecret, newCsrfSecret } from "../../../src/csrf/mod.ts";
import { type Probe, type Seen, toDjango, tokenIn, valueOf } from "./_probe.ts";

const MALFORMED = "Referer checking failed - Referer is malformed.";

const form = (token: string) => ({
  body: new URLSearchParams({ csrfmiddlewaretoken: token }).toString(),
  contentType: "application/x-www-form-urlencoded",
});
const same = { origin: "http://testserver" };
// A browser-like boundary (Node 20's undici misreads parts under a one-letter boundary).
const B = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

/** name → the probe, given Django's cookie value C and a token T for it. */
export function probes(c: string, t: string): Record<string, Probe> {
  const cookie = `csrftoken=${c}`;
  const post = (headers: Record<string, string>, extra: Partial<Probe> = {}): Probe => ({
    method: "POST",
    path: "/protected/",
    headers,
    ...extra,
  });
  const https = (headers: Record<string, string>) =>
    post({ cookie, ...headers }, { secure: true, ...form(t) });
  return {
    "no cookie, no token": post(same),
    "cookie, no token": post({ cookie, ...same }),
    "form token": post({ cookie, ...same }, form(t)),
    "header token": post({ cookie, ...same, "x-csrftoken": t }),
    "header with the cookie's value": post({ cookie, ...same, "x-csrftoken": c }),
    "forged token": post({ cookie, ...same }, form("a".repeat(64))),
    "token of another secret": post({
      cookie,
      ...same,
      "x-csrftoken": maskCsrfSecret(newCsrfSecret()),
    }),
    "short form token": post({ cookie, ...same }, form("abc")),
    "header token with invalid characters": post({
      cookie,
      ...same,
      "x-csrftoken": "!".repeat(64),
    }),
    "empty header token": post({ cookie, ...same, "x-csrftoken": "" }),
    "cookie of the wrong length": post({ cookie: "csrftoken=abc", ...same }, form(t)),
    "cookie with invalid characters": post(
      { cookie: `csrftoken=${"-".repeat(32)}`, ...same },
      form(t),
    ),
    "last of two form tokens": post({ cookie, ...same }, {
      body: `csrfmiddlewaretoken=bad&csrfmiddlewaretoken=${t}`,
      contentType: "application/x-www-form-urlencoded",
    }),
    "multipart form token": post({ cookie, ...same }, {
      body:
        `--${B}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n${t}\r\n--${B}--\r\n`,
      contentType: `multipart/form-data; boundary=${B}`,
    }),
    "token in a JSON body": post({ cookie, ...same }, {
      body: JSON.stringify({ csrfmiddlewaretoken: t }),
      contentType: "application/json",
    }),
    "another origin": post({ cookie, origin: "http://evil.example" }, form(t)),
    "another port": post({ cookie, origin: "http://testserver:8001" }, form(t)),
    "origin null": post({ cookie, origin: "null" }, form(t)),
    "trusted origin": post({ cookie, origin: "https://trusted.example" }, form(t)),
    "trusted subdomain": post({ cookie, origin: "https://a.wild.example" }, form(t)),
    "trusted subdomain over http": post({ cookie, origin: "http://a.wild.example" }, form(t)),
    "no origin over http": post({ cookie }, form(t)),
    "https, same origin": https({ origin: "https://testserver" }),
    "https, no origin, no referer": https({}),
    "https, referer without host": https({ referer: "https://" }),
    "https, referer not a URL": https({ referer: "not a url" }),
    "https, insecure referer": https({ referer: "http://testserver/form/" }),
    "https, referer of another site": https({ referer: "https://evil.example/page?x=1#top" }),
    "https, same-site referer": https({ referer: "https://testserver/form/" }),
    "https, trusted referer": https({ referer: "https://trusted.example/" }),
    "https, trusted subdomain referer": https({ referer: "https://a.wild.example/x" }),
    "https, referer with broken brackets": https({ referer: "https://[::1/" }),
    "PUT with header": {
      method: "PUT",
      path: "/protected/",
      headers: { cookie, ...same, "x-csrftoken": t },
    },
    "DELETE without token": { method: "DELETE", path: "/protected/", headers: { cookie, ...same } },
    "PATCH with a form token only": {
      method: "PATCH",
      path: "/protected/",
      headers: { cookie, ...same },
      ...form(t),
    },
    "GET without anything": { method: "GET", path: "/protected/" },
    "exempt POST": post({}, { path: "/exempt/" }),
  };
}

/**
 * Sends every probe to Django and to `ours`; asserts the same status and reason for each, and
 * that both accept something and refuse something. Returns the table, one line per probe.
 *
 * @param site the Django site (tests/django/csrf_site.py, `siteSettings(version)`)
 * @param version its release
 * @param ours sends a probe to the TypeScript service (`/form/`, `/protected/`, `/exempt/`)
 */
export async function assertParity(
  site: Django,
  version: DjangoVersion,
  ours: (probe: Probe) => Promise<Seen>,
): Promise<string[]> {
  const page = await toDjango(site, { method: "GET", path: "/form/" });
  const c = valueOf(page.cookies.csrftoken);
  assert.equal(c.length, version === "3.2" ? 64 : 32);
  const statuses: string[] = [];
  for (const [name, probe] of Object.entries(probes(c, tokenIn(page.body)))) {
    const mine = await ours(probe);
    if (version === "3.2" && name === "https, referer with broken brackets") {
      // Django 3.2's urlparse raises outside any try (even its 500 view does); 4.0+ refuses
      // such a Referer as malformed, and so do we for every version.
      await assert.rejects(toDjango(site, probe), /Invalid IPv6 URL/);
      assert.deepEqual([mine.status, mine.reason], [403, MALFORMED]);
      continue;
    }
    const theirs = await toDjango(site, probe);
    assert.deepEqual(
      { status: mine.status, reason: mine.reason },
      { status: theirs.status, reason: theirs.reason },
      name,
    );
    statuses.push(`${theirs.status} ${name}${theirs.reason ? `: ${theirs.reason}` : ""}`);
  }
  // Both refuse and accept something: the comparison cannot pass by both being broken alike.
  assert.ok(
    statuses.some((s) => s.startsWith("200")) && statuses.some((s) => s.startsWith("403")),
  );
  return statuses;
}
