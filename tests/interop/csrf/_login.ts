/**
 * Issue 12's login case for every service: `login()` on the TypeScript side rotates the CSRF
 * secret as Django's `login` does (`rotate_token`): the token rendered before the login is refused
 * afterwards by Django 3.2/4.2/5.2/6.1 and by the service; a token for the new cookie passes both.
 * Users live in a SQLite file Django migrated and both sides read. The service serves `/form/`,
 * `/protected/` and `/login/` (as `_service.ts` does), its refusals answering the reason.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DjangoSettingsInput } from "../../../mod.ts";
import { sqliteUsers, type UserSource } from "../../../src/auth/mod.ts";
import { closeDjangos, django, DJANGO_VERSIONS, sqliteDatabase } from "../../_django.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { pair, type Probe, type Seen, siteSettings, toDjango, tokenIn, TRUSTED } from "./_probe.ts";

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

const post = (path: string, cookie: string, fields: Record<string, string>) => ({
  method: "POST",
  path,
  headers: { cookie, origin: "http://testserver" },
  body: new URLSearchParams(fields).toString(),
  contentType: "application/x-www-form-urlencoded",
});

/**
 * Registers the login-rotation test, for each Django version, against the service `start` makes.
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
        const site = django(
          version,
          siteSettings(version, { DATABASES: { default: sqliteDatabase(file) } }),
        );
        await site.run(`from django.core.management import call_command
from django.contrib.auth.models import User
call_command("migrate", verbosity=0)
User.objects.create_user("alice", "", "pw")`);
        const db = await openSqlite(file);
        opened.push(db);
        const ours = await start(
          { djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED },
          sqliteUsers(db),
        );
        opened.push(ours);
        const page = await ours.send({ method: "GET", path: "/form/" });
        const before = pair(page.cookies.csrftoken);
        const old = tokenIn(page.body);
        const login = await ours.send(
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
        assert.equal((await ours.send(stale)).reason, reason);
        const fresh = tokenIn(
          (await ours.send({ method: "GET", path: "/form/", headers: { cookie: rotated } })).body,
        );
        const good = post("/protected/", rotated, { csrfmiddlewaretoken: fresh });
        assert.equal((await toDjango(site, good)).status, 200);
        assert.equal((await ours.send(good)).status, 200);
      });
    });
  }
}
