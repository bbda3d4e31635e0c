/**
 * The auth interop cases (issue 5), run by `auth_postgres.test.ts` and `auth_sqlite.test.ts` on
 * their database: real Django 3.2, 4.2 and 5.2 (`django.contrib.auth.login` / `get_user` on its
 * own `SessionStore`) and `getUser` / `login` / `logout` / `authenticate` share users and sessions.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { authenticate } from "../../../src/auth/authenticate.ts";
import { getUser } from "../../../src/auth/get_user.ts";
import { login, logout } from "../../../src/auth/login.ts";
import type { UserSource } from "../../../src/auth/user_sources.ts";
import type { SessionBackend } from "../../../src/session/backend.ts";
import type { DjangoSettingsInput } from "../../../src/settings/settings.ts";
import { django, type DjangoVersion } from "../../_django.ts";

export const SECRET_KEY = "django-insecure-test-key";
const NEW_SECRET_KEY = "django-insecure-rotated-key-after-a-leak";
const MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend";

/** What a test file provides on its database. */
export interface AuthHarness {
  /** Django's `DATABASES` (and nothing else) for that database. */
  settings: Record<string, unknown>;
  /** A session backend on that database with these settings (`djangoVersion`: the file's Django). */
  backend(settings: DjangoSettingsInput): SessionBackend;
  /** A user source on that database that counts the SQL statements it runs. */
  users(): { source: UserSource; queries(): number };
}

const PY = `
from django.contrib.auth import get_user, login, logout
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

def request(key):
    r = RequestFactory().get("/")
    r.session = SessionStore(key)
    return r

def finish(r):
    # What SessionMiddleware does with the response: save a modified, non-empty session.
    if r.session.modified and not r.session.is_empty():
        r.session.save()
    return r.session.session_key

def cheap_password(user, password):
    hasher = get_hasher()
    user.password = hasher.encode(password, hasher.salt(), 1000)
    user.save()
`;

/** Django's side: create users, log in, get_user, as its views and middleware do. */
export const DJ = {
  createUser: PY + `
u = User.objects.create_user(args["username"], is_staff=True)
cheap_password(u, args["password"])
result = u.pk`,
  login: PY + `
r = request(args.get("key"))
login(r, User.objects.get(username=args["username"]))
r.session.update(args.get("extra") or {})
result = finish(r)`,
  getUser: PY + `
r = request(args)
u = get_user(r)
result = {"user": u.username if u.is_authenticated else None, "key": finish(r),
          "exists": SessionStore().exists(args), "data": dict(r.session)}`,
  setPassword: PY + "cheap_password(User.objects.get(username=args[0]), args[1])",
  setActive: PY + "User.objects.filter(username=args[0]).update(is_active=args[1])",
  session: PY + `
s = SessionStore()
s.update(args)
s.save()
result = s.session_key`,
};

/** What Django's `get_user` makes of a session key (after its middleware's save). */
export interface DjangoSees {
  user: string | null;
  key: string | null;
  exists: boolean;
  data: Record<string, unknown>;
}

/**
 * Registers every case for one Django version.
 *
 * @param version the Django release
 * @param harness the database under test (called once the file's `before` hooks have run)
 */
export function authCases(version: DjangoVersion, harness: () => AuthHarness): void {
  describe(`Django ${version} auth on one database`, () => {
    let h: AuthHarness;
    let backend: SessionBackend;
    let counted: ReturnType<AuthHarness["users"]>;
    let users: UserSource;
    const dj = (extra: Record<string, unknown> = {}) =>
      django(version, { SECRET_KEY, ...h.settings, ...extra });
    const djangoSees = (key: string, extra?: Record<string, unknown>) =>
      dj(extra).run<DjangoSees>(DJ.getUser, key);
    const djangoLogin = (username: string, extra?: Record<string, unknown>) =>
      dj().run<string>(DJ.login, { username, extra });
    let serial = 0;
    const newUser = async (password = "pw-" + serial) => {
      const username = `u${version}-${++serial}-${crypto.randomUUID().slice(0, 6)}`;
      const pk = await dj().run<number>(DJ.createUser, { username, password });
      return { username, password, pk };
    };
    const load = (key: string | null) => backend.getSession(key).load();
    const authenticateAs = async (username: string, password: string) =>
      authenticate(await load(null), users, username, password);

    before(() => {
      h = harness();
      backend = h.backend({ SECRET_KEY });
      counted = h.users();
      users = counted.source;
    });

    test("Django logs in → getUser returns that user, in one query", async () => {
      const alice = await newUser();
      const key = await djangoLogin(alice.username);
      const session = await load(key);
      const before = counted.queries();
      const user = await getUser(session, users);
      assert.equal(counted.queries() - before, 1);
      assert.ok(user);
      assert.equal(user.username, alice.username);
      assert.equal(user.id, alice.pk);
      assert.equal(user.is_staff, true);
      assert.equal(user.is_active, true);
      assert.ok(user.date_joined instanceof Date);
      assert.equal(session.key, key);
      assert.equal(session.modified, false);
    });

    test("the password changes in Django → getUser is null and the session flushed, as in Django", async () => {
      const bob = await newUser();
      const [ours, theirs] = [await djangoLogin(bob.username), await djangoLogin(bob.username)];
      await dj().run(DJ.setPassword, [bob.username, "changed"]);
      const session = await load(ours);
      assert.equal(await getUser(session, users), null);
      assert.equal(session.key, null);
      assert.deepEqual(session.keys(), []);
      assert.equal(await backend.exists(ours), false);
      assert.deepEqual(await djangoSees(theirs), {
        user: null,
        key: null,
        exists: false,
        data: {},
      });
    });

    test("we log in → Django's get_user returns the user; anonymous data kept, key cycled", async () => {
      const carol = await newUser();
      const session = await load(null);
      session.set("cart", [1, 2]);
      await session.save();
      const anonymous = session.key!;
      const user = await authenticate(session, users, carol.username, carol.password);
      assert.ok(user);
      await login(session, user, users);
      await session.save();
      assert.notEqual(session.key, anonymous);
      assert.equal(await backend.exists(anonymous), false);
      const seen = await djangoSees(session.key!);
      assert.equal(seen.user, carol.username);
      assert.equal(seen.key, session.key);
      assert.deepEqual(seen.data.cart, [1, 2]);
      assert.equal(seen.data._auth_user_id, String(carol.pk));
      assert.equal(seen.data._auth_user_backend, MODEL_BACKEND);
    });

    test("logging in over another user's session flushes it; the same user keeps it, as in Django", async () => {
      const [dave, erin] = [await newUser(), await newUser()];
      const key = await djangoLogin(dave.username, { secret: "dave's" });
      const session = await load(key);
      const erinUser = await authenticate(session, users, erin.username, erin.password);
      await login(session, erinUser!, users);
      await session.save();
      assert.notEqual(session.key, key);
      assert.equal(session.get("secret"), undefined);
      assert.equal(await backend.exists(key), false);
      assert.equal((await djangoSees(session.key!)).user, erin.username);
      const again = await load(session.key);
      await login(again, (await getUser(again, users))!, users);
      await again.save();
      assert.equal(again.key, session.key);
      // Django does the same: logging the same user in again keeps the key.
      const djangoKey = await dj().run<string>(DJ.login, {
        username: erin.username,
        key: again.key,
      });
      assert.equal(djangoKey, again.key);
    });

    test("we log out → Django sees an anonymous visitor and the row is gone", async () => {
      const frank = await newUser();
      const key = await djangoLogin(frank.username);
      const session = await load(key);
      await logout(session);
      assert.equal(session.key, null);
      assert.equal(await session.save(), false);
      assert.deepEqual(await djangoSees(key), { user: null, key: null, exists: false, data: {} });
    });

    test("an inactive user is anonymous on both sides and the session kept, as in Django", async () => {
      const gina = await newUser();
      const key = await djangoLogin(gina.username);
      await dj().run(DJ.setActive, [gina.username, false]);
      const session = await load(key);
      assert.equal(await getUser(session, users), null);
      assert.equal(session.key, key);
      assert.equal(await authenticate(session, users, gina.username, gina.password), null);
      const seen = await djangoSees(key);
      assert.equal(seen.user, null);
      assert.equal(seen.exists, true);
      await dj().run(DJ.setActive, [gina.username, true]);
      assert.equal((await getUser(await load(key), users))?.username, gina.username);
    });

    test("a hostile _auth_user_id or an unknown backend never reaches SQL", async () => {
      const hank = await newUser();
      const hostile = [
        "1 OR 1=1",
        "1; DROP TABLE auth_user; --",
        "99999999999999999999",
        "",
        " 1",
        1.5,
        null,
        { id: 1 },
      ];
      const before = counted.queries();
      for (const id of hostile) {
        const key = await dj().run<string>(DJ.session, {
          _auth_user_id: id,
          _auth_user_backend: MODEL_BACKEND,
          _auth_user_hash: "0".repeat(64),
        });
        assert.equal(await getUser(await load(key), users), null, JSON.stringify(id));
      }
      const key = await dj().run<string>(DJ.session, {
        _auth_user_id: String(hank.pk),
        _auth_user_backend: "evil.Backend",
      });
      assert.equal(await getUser(await load(key), users), null);
      assert.equal(counted.queries(), before);
    });

    test("authenticate: Django's own hash at its default iterations; wrong password; unknown user", async () => {
      const username = `real${version}-${crypto.randomUUID().slice(0, 6)}`;
      await dj().run(
        `from django.contrib.auth.models import User
User.objects.create_user(args, password="Tr0ub4dor&3 ünï")`,
        username,
      );
      assert.equal((await authenticateAs(username, "Tr0ub4dor&3 ünï"))?.username, username);
      assert.equal(await authenticateAs(username, "Tr0ub4dor&3 uni"), null);
      assert.equal(await authenticateAs(username.toUpperCase(), "Tr0ub4dor&3 ünï"), null);
      assert.equal(await authenticateAs("nobody-" + username, "whatever"), null);
    });

    if (version === "3.2") {
      test("Django 3.2's sha1 session hash (DEFAULT_HASHING_ALGORITHM) both ways", async () => {
        const ivan = await newUser();
        const sha1 = { DEFAULT_HASHING_ALGORITHM: "sha1" };
        const key = await dj(sha1).run<string>(DJ.login, { username: ivan.username });
        // Django 4.0 dropped the sha1 session hash: a site on 4.0+ logs such a session out.
        const newer = h.backend({ SECRET_KEY, djangoVersion: "4.2" });
        assert.equal(await getUser(await newer.getSession(key).load(), users), null);
        const key2 = await dj(sha1).run<string>(DJ.login, { username: ivan.username });
        assert.equal((await getUser(await load(key2), users))?.username, ivan.username);
        const sha1Backend = h.backend({ SECRET_KEY, DEFAULT_HASHING_ALGORITHM: "sha1" });
        const session = await sha1Backend.getSession(null).load();
        await login(session, (await getUser(await load(key2), users))!, users);
        await session.save();
        assert.equal((session.get("_auth_user_hash") as string).length, 40);
        assert.equal((await djangoSees(session.key!)).user, ivan.username);
      });
    } else {
      test("SECRET_KEY rotated into SECRET_KEY_FALLBACKS keeps users logged in on both sides", async () => {
        const rotated = { SECRET_KEY: NEW_SECRET_KEY, SECRET_KEY_FALLBACKS: [SECRET_KEY] };
        const djangoRotated = { SECRET_KEY: NEW_SECRET_KEY, SECRET_KEY_FALLBACKS: [SECRET_KEY] };
        const ours = h.backend(rotated);
        const judy = await newUser();
        // Logged in under the old key; we read it under the new one and move it, as Django 4.2+ does.
        const key = await djangoLogin(judy.username);
        const session = await ours.getSession(key).load();
        assert.equal((await getUser(session, users))?.username, judy.username);
        assert.notEqual(session.key, key);
        await session.save();
        assert.equal(await ours.exists(key), false);
        const seen = await djangoSees(session.key!, djangoRotated);
        assert.equal(seen.user, judy.username);
        assert.equal(seen.key, session.key, "the hash we stored is current: Django does not cycle");
        // Django moves another old session; we then read it with no further change.
        const other = await djangoLogin(judy.username);
        const moved = (await djangoSees(other, djangoRotated)).key!;
        assert.notEqual(moved, other);
        const again = await ours.getSession(moved).load();
        assert.equal((await getUser(again, users))?.username, judy.username);
        assert.equal(again.key, moved);
        // Without the fallback the old session does not verify: flushed, as Django would.
        const stale = await djangoLogin(judy.username);
        const unverified = await h.backend({ SECRET_KEY: NEW_SECRET_KEY }).getSession(stale).load();
        assert.equal(await getUser(unverified, users), null);
      });
    }
  });
}
