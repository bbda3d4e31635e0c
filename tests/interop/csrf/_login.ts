/**
 * Issue 12's login case for every service (tests/interop/csrf/login.test.ts and each adapter's
 * own): `login()` on the TypeScript side rotates the CSRF secret as Django's `login` does
 * (`rotate_token`), so the token rendered before the login is refused afterwards, by Django and by
 * the service, and a token for the new cookie passes both. The service serves `/form/`,
 * `/protected/` and `/login/` (a form POST of `username`/`password`: `authenticate` + `login`,
 * then a 302) as tests/interop/csrf/_service.ts does.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DjangoSettingsInput } from "../../../mod.ts";
import { sqliteUsers, type UserSource } from "../../../src/auth/mod.ts";
import {
  closeDjangos,
  type Django,
  django,
  DJANGO_VERSIONS,
  type DjangoVersion,
  sqliteDatabase,
} from "../../_django.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { pair, type Probe, type Seen, siteSettings, toDjango, tokenIn, TRUSTED } from "./_probe.ts";

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

/** A started service: sends a probe, and stops. */
export interface ProbedService {
  send(probe: Probe): Promise<Seen>;
  close(): Promise<void>;
}

/** Starts the service under test for these settings and users. */
export type StartService = (
  settings: Omit<DjangoSettingsInput, "SECRET_KEY">,
  users: UserSource,
) => Promise<ProbedService>;

/**
 * Registers {@linkcode assertLoginRotates} for each Django version against the service `start`
 * makes (serving `/form/`, `/protected/` and `/login/` as `_service.ts` does).
 *
 * @param name the service's name, for the test titles
 * @param start starts the service
 */
export function describeLoginRotation(name: string, start: StartService): void {
  const temp = tempDirectory(`csrf-login-${name.toLowerCase()}`);
  const opened: (TestDatabase | ProbedService)[] = [];
  after(async () => {
    await closeDjangos();
    for (const each of opened) await each.close();
    temp.remove();
  });
  for (const version of DJANGO_VERSIONS) {
    describe(`login() rotates the CSRF token, Django ${version}, ${name}`, () => {
      test(`the old token is refused by Django and by ${name}`, async () => {
        const file = temp.path(`users-${version}.sqlite3`);
        const site = await siteWithAlice(version, file);
        const db = await openSqlite(file);
        opened.push(db);
        const settings = { djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED };
        const ours = await start(settings, sqliteUsers(db));
        opened.push(ours);
        await assertLoginRotates(site, version, (probe) => ours.send(probe));
      });
    });
  }
}
