/**
 * Issue 12: `login()` on the TypeScript side rotates the CSRF secret as Django's `login` does
 * (`rotate_token`): the token rendered before the login is refused afterwards by Django 3.2/4.2/
 * 5.2/6.1 and by `withSession`; a token for the new cookie passes both. Users live in a SQLite
 * file Django migrated and both sides read.
 */
import { after, describe, test } from "node:test";
import { closeDjangos, DJANGO_VERSIONS } from "../../_django.ts";
import { sqliteUsers } from "../../../src/auth/mod.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { toService, TRUSTED } from "./_probe.ts";
import { assertLoginRotates, siteWithAlice } from "./_login.ts";
import { service } from "./_service.ts";

const temp = tempDirectory("csrf-login");
const opened: TestDatabase[] = [];
after(async () => {
  await closeDjangos();
  for (const db of opened) db.close();
  temp.remove();
});

for (const version of DJANGO_VERSIONS) {
  describe(`login() rotates the CSRF token, Django ${version}`, () => {
    test("the old token is refused by Django and by withSession", async () => {
      const file = temp.path(`users-${version}.sqlite3`);
      const site = await siteWithAlice(version, file);
      const db = await openSqlite(file);
      opened.push(db);
      const ours = service(
        { djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED },
        sqliteUsers(db),
      );
      await assertLoginRotates(site, version, (probe) => toService(ours, probe));
    });
  });
}
