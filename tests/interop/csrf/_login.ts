/**
 * Issue 12's login case for every service (tests/interop/csrf/login.test.ts and each adapter's
 * own): `login()` on the TypeScript side rotates the CSRF secret as Django's `login` does
 * (`rotate_token`), so the token rendered before the login is refused afterwards, by Django and by
 * the service, and a token for the new cookie passes both. The service serves `/form/`,
 * `/protected/` and `/login/` (a form POST of `username`/`password`: `authenticate` + `login`,
 * then a 302) as tests/interop/csrf/_service.ts does.
 */
import assert from "node:assert/strict";
import { type Django, django, type DjangoVersion, sqliteDatabase } from "../../_django.ts";
import { pair, type Probe, type Seen, siteSettings, toDjango, tokenIn } from "./_probe.ts";

const post = (path: string, cookie: string, fields: Record<string, string>): Probe => ({
  method: "POST",
  path,
  headers: { cookie, origin: "http://testserver" },
  body: new URLSearchParams(fields).toString(),
  contentType: "application/x-www-form-urlencoded",
});

/**
 * The Django site on a SQLite file it migrated, with the user `alice` (password `pw`).
 *
 * @param version the Django release
 * @param file the SQLite file both sides read the users from
 */
export async function siteWithAlice(version: DjangoVersion, file: string): Promise<Django> {
  const site = django(
    version,
    siteSettings(version, { DATABASES: { default: sqliteDatabase(file) } }),
  );
  await site.run(`from django.core.management import call_command
from django.contrib.auth.models import User
call_command("migrate", verbosity=0)
User.objects.create_user("alice", "", "pw")`);
  return site;
}

/**
 * Logs `alice` in on the service with the token of its `/form/`, then checks the old token is
 * refused and a fresh one accepted, by Django and by the service, on the rotated cookie.
 *
 * @param site the Django site of {@linkcode siteWithAlice}
 * @param version its release
 * @param ours sends a probe to the service
 */
export async function assertLoginRotates(
  site: Django,
  version: DjangoVersion,
  ours: (probe: Probe) => Promise<Seen>,
): Promise<void> {
  const page = await ours({ method: "GET", path: "/form/" });
  const before = pair(page.cookies.csrftoken);
  const old = tokenIn(page.body);
  const login = await ours(
    post("/login/", before, { csrfmiddlewaretoken: old, username: "alice", password: "pw" }),
  );
  assert.equal(login.status, 302);
  const rotated = pair(login.cookies.csrftoken);
  assert.notEqual(rotated, before);
  const reason = version === "3.2"
    ? "CSRF token missing or incorrect."
    : "CSRF token from POST incorrect.";
  const stale = post("/protected/", rotated, { csrfmiddlewaretoken: old });
  assert.equal((await toDjango(site, stale)).reason, reason);
  assert.equal((await ours(stale)).reason, reason);
  const fresh = tokenIn(
    (await ours({ method: "GET", path: "/form/", headers: { cookie: rotated } })).body,
  );
  const good = post("/protected/", rotated, { csrfmiddlewaretoken: fresh });
  assert.equal((await toDjango(site, good)).status, 200);
  assert.equal((await ours(good)).status, 200);
}
