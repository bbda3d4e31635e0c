/**
 * Issue 5 with a custom user model (`AUTH_USER_MODEL = "auth_uuid.Member"`, a UUID primary key,
 * `tests/django/auth_uuid/`): Django 3.2/4.2/5.2 and our auth functions on PostgreSQL (a native
 * `uuid` column) and SQLite (Django's `char(32)` of hex digits).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { authenticate } from "../../../src/auth/authenticate.ts";
import { getUser } from "../../../src/auth/get_user.ts";
import { login } from "../../../src/auth/login.ts";
import { AUTH_USER_COLUMNS, type UserModel } from "../../../src/auth/user_model.ts";
import { postgresUsers, sqliteUsers, type UserSource } from "../../../src/auth/user_sources.ts";
import type { SessionBackend } from "../../../src/session/backend.ts";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { closeDjangos, django, DJANGO_VERSIONS, sqliteDatabase } from "../../_django.ts";
import { postgresSchema } from "../../_postgres.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { SECRET_KEY } from "./_cases.ts";

const MEMBER: UserModel = {
  table: "auth_uuid_member",
  columns: { ...AUTH_USER_COLUMNS, id: "uuid" },
};
const APPS = {
  AUTH_USER_MODEL: "auth_uuid.Member",
  INSTALLED_APPS: [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "auth_uuid",
  ],
};

const PY = `
from django.contrib.auth import get_user, get_user_model, login
from django.contrib.auth.hashers import get_hasher
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
Member = get_user_model()
def request(key):
    r = RequestFactory().get("/")
    r.session = SessionStore(key)
    return r
`;
const DJ = {
  // Migrations first: the unmigrated app's tables refer to auth_group (PostgreSQL checks at once).
  migrate: `from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("migrate", run_syncdb=True, verbosity=0)`,
  create: PY + `
m = Member.objects.create_user(args)
hasher = get_hasher()
m.password = hasher.encode("pw", hasher.salt(), 1000)
m.save()
result = {"pk": str(m.pk), "hex": m.pk.hex, "hash": m.get_session_auth_hash()}`,
  login: PY + `
r = request(None)
login(r, Member.objects.get(username=args))
r.session.save()
result = r.session.session_key`,
  getUser: PY + `
u = get_user(request(args))
result = [str(u.pk), u.username] if u.is_authenticated else None`,
  session: PY + `
s = SessionStore()
s.update(args)
s.save()
result = s.session_key`,
};

const schema = await postgresSchema("auth_uuid");
const temp = tempDirectory("auth-uuid");
const sqliteFile = temp.path("db.sqlite3");
let queries = 0;
const counted = schema.client({ fetch_types: false, debug: () => queries++ });

const databases = {
  PostgreSQL: {
    settings: schema.django.DATABASES,
    backend: (djangoVersion: string) =>
      new PostgresBackend(schema.client(), { SECRET_KEY, djangoVersion }),
    users: () => postgresUsers(counted, MEMBER),
  },
  SQLite: {
    settings: { default: sqliteDatabase(sqliteFile) },
    backend: (djangoVersion: string) => new SqliteBackend(sqlite, { SECRET_KEY, djangoVersion }),
    users: () => sqliteUsers(sqlite, MEMBER),
  },
};

// At module level, not in a hook: Bun gives hooks 5 s.
for (const { settings } of Object.values(databases)) {
  await django("5.2", { ...APPS, DATABASES: settings }).run(DJ.migrate);
}
const sqlite: TestDatabase = await openSqlite(sqliteFile);
after(async () => {
  await closeDjangos();
  await schema.drop();
  sqlite.close();
  temp.remove();
});

for (const [name, database] of Object.entries(databases)) {
  for (const version of DJANGO_VERSIONS) {
    describe(`Django ${version}, UUID user model on ${name}`, () => {
      const dj = () => django(version, { ...APPS, SECRET_KEY, DATABASES: database.settings });
      let backend: SessionBackend;
      let users: UserSource;
      before(() => {
        backend = database.backend(version);
        users = database.users();
      });
      const member = async () => {
        const username = `m${version}-${crypto.randomUUID().slice(0, 8)}`;
        return {
          username,
          ...await dj().run<{ pk: string; hex: string; hash: string }>(DJ.create, username),
        };
      };

      test("Django logs a member in → getUser returns it, its id as Python's str(uuid)", async () => {
        const m = await member();
        const key = await dj().run<string>(DJ.login, m.username);
        const user = await getUser(await backend.getSession(key).load(), users);
        assert.equal(user?.id, m.pk);
        assert.equal(user?.username, m.username);
      });

      test("we log a member in → Django's get_user returns it", async () => {
        const m = await member();
        const session = await backend.getSession().load();
        const found = await authenticate(session, users, m.username, "pw");
        await login(session, found!, users);
        await session.save();
        assert.equal(session.get("_auth_user_id"), m.pk);
        assert.deepEqual(await dj().run(DJ.getUser, session.key), [m.pk, m.username]);
      });

      test("an id in another form uuid.UUID() accepts finds the member on both sides; junk never reaches SQL", async () => {
        const m = await member();
        for (const id of [m.hex, m.pk.toUpperCase(), `{${m.pk}}`, `urn:uuid:${m.pk}`]) {
          const key = await dj().run<string>(DJ.session, {
            _auth_user_id: id,
            _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
            _auth_user_hash: m.hash,
          });
          assert.deepEqual(await dj().run(DJ.getUser, key), [m.pk, m.username], id);
          assert.equal((await getUser(await backend.getSession(key).load(), users))?.id, m.pk, id);
        }
        const before = queries;
        for (const id of ["not-a-uuid", `${m.pk}' OR '1'='1`, m.pk.slice(1), 42]) {
          const key = await dj().run<string>(DJ.session, {
            _auth_user_id: id,
            _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
            _auth_user_hash: m.hash,
          });
          assert.equal(await getUser(await backend.getSession(key).load(), users), null);
        }
        assert.equal(queries, before);
      });
    });
  }
}
