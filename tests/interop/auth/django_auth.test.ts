/**
 * Auth against real Django 3.2/4.2/5.2 on SQLite, PostgreSQL and MariaDB: `login()` updates
 * `last_login` as Django's `update_last_login` does; `getUser` maps each `_auth_user_backend` to
 * its own source or loader (a custom backend, defined in Django, both ways); `loginRequired`
 * redirects exactly as Django's `login_required`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { withSession } from "../../../src/adapters/fetch.ts";
import { getUser } from "../../../src/auth/get_user.ts";
import { login } from "../../../src/auth/login.ts";
import { authenticate } from "../../../src/auth/authenticate.ts";
import { makePassword } from "../../../src/auth/hashers.ts";
import { loginRequired } from "../../../src/auth/login_required.ts";
import { postgresUsers, sqliteUsers, type UserSource } from "../../../src/auth/user_sources.ts";
import { mysqlUsers } from "../../../src/auth/mysql_users.ts";
import type { DjangoUser } from "../../../src/auth/user_model.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { type SharedDatabase, sharedDatabases } from "../_databases.ts";

const slow = { timeout: 120_000 };
const SECRET_KEY = "django-insecure-test-key";
const MODEL = "django.contrib.auth.backends.ModelBackend";
const TOKEN = "tokenauth.TokenBackend";
const BACKENDS = [MODEL, TOKEN];

/** A backend of the project's own, importable by Django as `tokenauth.TokenBackend`. */
const DEFINE_BACKEND = `
import sys, types
if "tokenauth" not in sys.modules:
    module = types.ModuleType("tokenauth")
    exec('''
from django.contrib.auth import get_user_model
class TokenBackend:
    def authenticate(self, request, token=None):
        return None
    def get_user(self, user_id):
        return get_user_model().objects.filter(pk=user_id).first()
''', module.__dict__)
    sys.modules["tokenauth"] = module
result = True`;

const PY = {
  migrate: `from django.core.management import call_command
call_command("migrate", verbosity=0)
result = True`,
  createUser: `from django.contrib.auth.models import User
u = User.objects.create(username=args["username"], password=args["password"], is_active=args.get("active", True))
result = u.pk`,
  lastLogin: `from django.contrib.auth.models import User
u = User.objects.get(pk=args)
result = u.last_login and u.last_login.isoformat()`,
  login: `from django.contrib.auth import login
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
request = RequestFactory().get("/")
request.session = SessionStore()
login(request, User.objects.get(pk=args["id"]), backend=args["backend"])
request.session.save()
result = request.session.session_key`,
  whoami: `from django.contrib.auth import get_user
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
request = RequestFactory().get("/")
request.session = SessionStore(args)
user = get_user(request)
result = user.pk if user.is_authenticated else None`,
};

let databases: SharedDatabase[] = [];
before(async () => {
  databases = await sharedDatabases("auth");
}, slow);
after(async () => {
  await closeDjangos();
  await Promise.all(databases.map((db) => db.close()));
}, slow);

function usersOf(db: SharedDatabase, columns?: Record<string, "int" | "text" | "datetime">) {
  const model = columns ? { columns } : undefined;
  if (db.client.sqlite) return sqliteUsers(db.client.sqlite, model);
  if (db.client.postgres) return postgresUsers(db.client.postgres, model);
  return mysqlUsers(db.client.mysql!, model);
}

let counter = 0;

for (const name of ["sqlite", "postgres", "mysql"] as const) {
  for (const version of DJANGO_VERSIONS) {
    describe(`auth with Django ${version} on ${name}`, () => {
      const db = () => databases.find((d) => d.name === name)!;
      const dj = () =>
        django(version, {
          SECRET_KEY,
          DATABASES: { default: db().django },
          AUTHENTICATION_BACKENDS: BACKENDS,
        });
      const settings = { SECRET_KEY, AUTHENTICATION_BACKENDS: BACKENDS, djangoVersion: version };
      const backend = () => db().backend(settings);
      let users: UserSource;
      const newUser = async (options: { active?: boolean } = {}) => {
        const username = `user${version.replace(".", "")}_${counter++}`;
        const password = await makePassword("s3cret", settings, { iterations: 1000 });
        const id = await dj().run<number>(PY.createUser, { username, password, ...options });
        return { id, username };
      };
      before(async () => {
        await dj().run(PY.migrate);
        await dj().run(DEFINE_BACKEND);
        users = usersOf(db());
      }, slow);

      test("login() sets last_login as update_last_login does; Django reads it", slow, async () => {
        const { id, username } = await newUser();
        assert.equal(await dj().run(PY.lastLogin, id), null);
        const session = backend().getSession(null);
        const user = await authenticate(session, users, username, "s3cret");
        assert.ok(user);
        const before = Date.now();
        await login(session, user, users, { backend: MODEL });
        const after = Date.now();
        const seen = new Date(await dj().run<string>(PY.lastLogin, id)).getTime();
        assert.ok(before <= seen && seen <= after, `${before} <= ${seen} <= ${after}`);
        const reread = await users.find("pk", String(id));
        assert.equal((reread!.last_login as Date).getTime(), seen);
        // The session is Django's too.
        await session.save();
        assert.equal(await dj().run(PY.whoami, session.key), id);
      });

      test(
        "updateLastLogin: false, or a model without last_login, leaves it alone",
        slow,
        async () => {
          const { id, username } = await newUser();
          const session = backend().getSession(null);
          const user = (await authenticate(session, users, username, "s3cret"))!;
          await login(session, user, users, { backend: MODEL, updateLastLogin: false });
          const narrow = usersOf(db(), { id: "int", username: "text", password: "text" });
          await login(backend().getSession(null), user, narrow, { backend: MODEL });
          assert.equal(await dj().run(PY.lastLogin, id), null);
        },
      );

      test(
        "a custom backend's session maps to its own loader; unmapped stays anonymous",
        slow,
        async () => {
          const { id } = await newUser();
          const key = await dj().run<string>(PY.login, { id, backend: TOKEN });
          const asked: string[] = [];
          const tokenUsers = async (userId: string): Promise<DjangoUser | null> => {
            asked.push(userId);
            return await users.find("pk", userId);
          };
          const session = () => backend().getSession(key);
          const found = await getUser(session(), { [MODEL]: users, [TOKEN]: tokenUsers });
          assert.equal(found?.id, id);
          assert.deepEqual(asked, [String(id)]);
          assert.equal(await getUser(session(), { [MODEL]: users }), null);
          // The simple form reads every configured backend as a ModelBackend.
          assert.equal((await getUser(session(), users))?.id, id);
        },
      );

      test("a custom loader's user is still checked against the session hash", slow, async () => {
        const { id } = await newUser();
        const key = await dj().run<string>(PY.login, { id, backend: TOKEN });
        const changed = async (userId: string) => ({
          ...(await users.find("pk", userId))!,
          password: "pbkdf2_sha256$1000$other$hash",
        });
        assert.equal(await getUser(backend().getSession(key), { [TOKEN]: changed }), null);
        // Django flushed nothing yet; our getUser flushed the session as Django would.
        assert.equal(await dj().run(PY.whoami, key), null);
      });

      test(
        "login() with a custom backend: Django's get_user goes through that backend",
        slow,
        async () => {
          const { id, username } = await newUser();
          const session = backend().getSession(null);
          const user = (await authenticate(session, users, username, "s3cret"))!;
          await login(session, user, users, { backend: TOKEN });
          await session.save();
          assert.equal(await dj().run(PY.whoami, session.key), id);
          assert.equal(session.get("_auth_user_backend"), TOKEN);
        },
      );

      test("loginRequired: Django's session passes, anonymous is redirected", slow, async () => {
        const { id } = await newUser();
        const key = await dj().run<string>(PY.login, { id, backend: MODEL });
        const handler = withSession({
          backend: backend(),
          user: (session) => getUser(session, users),
        }, loginRequired(() => new Response("orders")));
        const request = (cookie?: string) =>
          new Request("http://testserver/orders/?page=2", {
            headers: cookie ? { cookie } : {},
          });
        const allowed = await handler(request(`sessionid=${key}`));
        assert.equal(await allowed.text(), "orders");
        const refused = await handler(request());
        assert.equal(refused.status, 302);
        assert.equal(refused.headers.get("location"), "/accounts/login/?next=/orders/%3Fpage%3D2");
      });
    });
  }
}
