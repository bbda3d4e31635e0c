/**
 * Issue 5 on SQLite: Django 3.2/4.2/5.2 (Python's `sqlite3`) and our auth functions on this
 * runtime's driver (`bun:sqlite`, `node:sqlite`, `better-sqlite3`), one `db.sqlite3` per version.
 */
import { after } from "node:test";
import { sqliteUsers } from "../../../src/auth/user_sources.ts";
import type { SqliteDatabase } from "../../../src/stores/sqlite_driver.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { closeDjangos, django, DJANGO_VERSIONS, sqliteDatabase } from "../../_django.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { authCases } from "./_cases.ts";

const temp = tempDirectory("auth");
const opened: TestDatabase[] = [];
after(async () => {
  await closeDjangos();
  for (const db of opened) db.close();
  temp.remove();
});

/** The same connection, counting each statement it steps. */
function counting(db: SqliteDatabase, count: () => void): SqliteDatabase {
  return {
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        get: (...params) => (count(), statement.get(...params)),
        run: (...params) => (count(), statement.run(...params)),
      };
    },
  };
}

for (const version of DJANGO_VERSIONS) {
  const file = temp.path(`auth-${version}.sqlite3`);
  const DATABASES = { default: sqliteDatabase(file) };
  await django(version, { DATABASES }).run(`from django.core.management import call_command
call_command("migrate", verbosity=0)`);
  const db = await openSqlite(file);
  opened.push(db);
  let queries = 0;
  authCases(version, () => ({
    settings: { DATABASES },
    backend: (settings) => new SqliteBackend(db, { djangoVersion: version, ...settings }),
    users: () => ({ source: sqliteUsers(counting(db, () => queries++)), queries: () => queries }),
  }));
}
