/**
 * Issue 12: `login()` on the TypeScript side rotates the CSRF secret as Django's `login` does
 * (`rotate_token`): the token rendered before the login is refused afterwards by Django 3.2/4.2/
 * 5.2/6.1 and by `withSession`; a token for the new cookie passes both. Users live in a SQLite
 * file Django migrated and both sides read.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django, DJANGO_VERSIONS, sqliteDatabase } from "../../_django.ts";
import { sqliteUsers } from "../../../src/auth/mod.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { pair, siteSettings, toDjango, tokenIn, toService, TRUSTED } from "./_probe.ts";
import { service } from "./_service.ts";

const temp = tempDirectory("csrf-login");
const opened: TestDatabase[] = [];
after(async () => {
  await closeDjangos();
  for (const db of opened) db.close();
  temp.remove();
});

const post = (path: string, cookie: string, fields: Record<string, string>) => ({
  method: "POST",
  path,
  headers: { cookie, origin: "http://testserver" },
  body: new URLSearchParams(fields).toString(),
  contentType: "application/x-www-form-urlencoded",
});

for (const version of DJANGO_VERSIONS) {
  describe(`login() rotates the CSRF token, Django ${version}`, () => {
    test("the old token is refused by Django and by withSession", async () => {
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
      const ours = service(
        { djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED },
        sqliteUsers(db),
      );
      const page = await toService(ours, { method: "GET", path: "/form/" });
      const before = pair(page.cookies.csrftoken);
      const old = tokenIn(page.body);
      const login = await toService(
        ours,
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
      assert.equal((await toService(ours, stale)).reason, reason);
      const fresh = tokenIn(
        (await toService(ours, { method: "GET", path: "/form/", headers: { cookie: rotated } }))
          .body,
      );
      const good = post("/protected/", rotated, { csrfmiddlewaretoken: fresh });
      assert.equal((await toDjango(site, good)).status, 200);
      assert.equal((await toService(ours, good)).status, 200);
    });
  });
}
