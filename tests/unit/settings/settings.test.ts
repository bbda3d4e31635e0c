/**
 * `djangoSettings`: every default filled in, every refused value named by its setting (with a
 * "did you mean" for a misspelt name), the secret never repeated in a message, the result frozen,
 * and the plain input object taken wherever the settings are. Django's own defaults are compared in
 * tests/interop/settings/defaults.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeSession,
  djangoSettings,
  type DjangoSettingsInput,
  encodeSession,
  ImproperlyConfigured,
  Session,
  SessionBackend,
  withSession,
} from "../../../mod.ts";
import { deletionCookie, sessionCookie, sessionKeyOf } from "../../../src/http/mod.ts";
import { DJANGO_DEFAULTS } from "../../../src/settings/settings.ts";
import { MysqlBackend } from "../../../src/stores/mysql.ts";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import { SignedCookieBackend, SignedCookieStore } from "../../../src/stores/signed_cookies.ts";
import { SqlStore } from "../../../src/stores/sql.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { openSqlite } from "../../_sqlite.ts";

/** A secret no message may contain. */
const SECRET = "s3cret-that-must-never-be-printed";

/** Asserts that `input` is refused with ImproperlyConfigured naming `setting`, secret-free. */
function refused(input: Record<string, unknown>, setting: string, detail?: RegExp): void {
  assert.throws(() => djangoSettings(input as unknown as DjangoSettingsInput), (error: unknown) => {
    assert.ok(error instanceof ImproperlyConfigured, String(error));
    assert.equal(error.code, "IMPROPERLY_CONFIGURED");
    assert.ok(error.message.startsWith(setting + " "), `${error.message} names ${setting}`);
    if (detail) assert.match(error.message, detail);
    assert.ok(!error.message.includes(SECRET), `${error.message} repeats the secret`);
    assert.ok(!String(error.stack).includes(SECRET), "the stack repeats the secret");
    return true;
  }, `${setting}: ${JSON.stringify(input)}`);
}

describe("djangoSettings fills in Django's defaults", () => {
  test("every setting but SECRET_KEY has its default; SECRET_KEY is as given", () => {
    const settings = djangoSettings({ SECRET_KEY: SECRET });
    assert.deepEqual({ ...settings }, { ...DJANGO_DEFAULTS, SECRET_KEY: SECRET });
    assert.equal(settings.SESSION_COOKIE_NAME, "sessionid");
    assert.equal(settings.djangoVersion, "5.2");
    assert.equal(settings.sessionStoreClass, "SessionStore");
    assert.equal(settings.maxDecompressedBytes, 1048576);
  });

  test("given values win; undefined means the default; null SameSite is false", () => {
    const settings = djangoSettings({
      SECRET_KEY: SECRET,
      SESSION_COOKIE_AGE: 60,
      SESSION_COOKIE_NAME: undefined,
      SESSION_COOKIE_SAMESITE: null,
      CSRF_COOKIE_SAMESITE: "Strict",
      djangoVersion: "3.2",
    });
    assert.equal(settings.SESSION_COOKIE_AGE, 60);
    assert.equal(settings.SESSION_COOKIE_NAME, "sessionid");
    assert.equal(settings.SESSION_COOKIE_SAMESITE, false);
    assert.equal(settings.CSRF_COOKIE_SAMESITE, "Strict");
    assert.equal(settings.djangoVersion, "3.2");
  });

  test("SameSite is taken in any case, as Django's set_cookie does", () => {
    for (const value of ["lax", "STRICT", "None", "Lax"] as const) {
      const settings = djangoSettings({
        SECRET_KEY: SECRET,
        SESSION_COOKIE_SAMESITE: value as "Lax",
      });
      assert.equal(settings.SESSION_COOKIE_SAMESITE, value);
    }
  });
});

describe("every refused value names its setting", () => {
  test("an unknown name, with a did-you-mean for a near miss", () => {
    refused({ SECRET_KEY: SECRET, secretKey: SECRET }, "secretKey", /did you mean SECRET_KEY\?/);
    refused(
      { SECRET_KEY: SECRET, SESSION_COOKIE_AGES: 1 },
      "SESSION_COOKIE_AGES",
      /did you mean SESSION_COOKIE_AGE\?/,
    );
    refused(
      { SECRET_KEY: SECRET, session_cookie_age: 1 },
      "session_cookie_age",
      /did you mean SESSION_COOKIE_AGE\?/,
    );
    refused(
      { SECRET_KEY: SECRET, CSRF_TRUSTED_ORIGIN: [] },
      "CSRF_TRUSTED_ORIGIN",
      /did you mean CSRF_TRUSTED_ORIGINS\?/,
    );
    refused({ SECRET_KEY: SECRET, expiryDates: "seconds" }, "expiryDates", /not a setting/);
  });

  test("SECRET_KEY: missing, empty or not a string", () => {
    refused({}, "SECRET_KEY", /must not be empty/);
    refused({ SECRET_KEY: "" }, "SECRET_KEY", /must not be empty/);
    refused({ SECRET_KEY: [SECRET] }, "SECRET_KEY");
    refused({ SECRET_KEY: SECRET, SECRET_KEY_FALLBACKS: [SECRET, 1] }, "SECRET_KEY_FALLBACKS");
    refused({ SECRET_KEY: SECRET, SECRET_KEY_FALLBACKS: SECRET }, "SECRET_KEY_FALLBACKS");
  });

  test("SameSite other than Lax, Strict, None, false or null", () => {
    for (const value of ["Laxx", "", "none;", true, 1]) {
      refused({ SECRET_KEY: SECRET, SESSION_COOKIE_SAMESITE: value }, "SESSION_COOKIE_SAMESITE");
      refused({ SECRET_KEY: SECRET, CSRF_COOKIE_SAMESITE: value }, "CSRF_COOKIE_SAMESITE");
    }
  });

  test("a ';', CR or LF in a cookie domain or path (it would add attributes or split the header)", () => {
    for (const prefix of ["SESSION", "CSRF"]) {
      for (const domain of [".example.com; Secure", ".example.com\r\nX: y", "a\nb", "", "a b"]) {
        refused(
          { SECRET_KEY: SECRET, [`${prefix}_COOKIE_DOMAIN`]: domain },
          `${prefix}_COOKIE_DOMAIN`,
        );
      }
      for (const path of ["/a;b", "/a\r\nSet-Cookie: x=1", "/a\nb", "/a\u0000", "app", ""]) {
        refused({ SECRET_KEY: SECRET, [`${prefix}_COOKIE_PATH`]: path }, `${prefix}_COOKIE_PATH`);
      }
    }
    const fine = djangoSettings({
      SECRET_KEY: SECRET,
      SESSION_COOKIE_DOMAIN: ".example.com",
      SESSION_COOKIE_PATH: "/my app/",
    });
    assert.equal(fine.SESSION_COOKIE_PATH, "/my app/");
  });

  test("a serializer other than Django's JSONSerializer", () => {
    for (
      const serializer of [
        "django.contrib.sessions.serializers.PickleSerializer",
        "myapp.serializers.JSONSerializer",
        "",
      ]
    ) {
      refused({ SECRET_KEY: SECRET, SESSION_SERIALIZER: serializer }, "SESSION_SERIALIZER", /JSON/);
    }
  });

  test("CSRF_TRUSTED_ORIGINS entries without a scheme (Django 4.0+ refuses them)", () => {
    for (const origin of ["example.com", "*.example.com", "//example.com", "https://"]) {
      refused({ SECRET_KEY: SECRET, CSRF_TRUSTED_ORIGINS: [origin] }, "CSRF_TRUSTED_ORIGINS");
    }
    refused({ SECRET_KEY: SECRET, CSRF_TRUSTED_ORIGINS: "https://a.com" }, "CSRF_TRUSTED_ORIGINS");
    const fine = djangoSettings({
      SECRET_KEY: SECRET,
      CSRF_TRUSTED_ORIGINS: ["https://*.example.com", "http://intranet:8000"],
    });
    assert.deepEqual(fine.CSRF_TRUSTED_ORIGINS, ["https://*.example.com", "http://intranet:8000"]);
  });

  test("every other setting refuses a value of the wrong kind", () => {
    const wrong: [string, unknown][] = [
      ["DEFAULT_HASHING_ALGORITHM", "md5"],
      ["SESSION_COOKIE_NAME", "a b"],
      ["SESSION_COOKIE_NAME", ""],
      ["SESSION_COOKIE_NAME", "sid;"],
      ["CSRF_COOKIE_NAME", "csrf token"],
      ["SESSION_COOKIE_AGE", "3600"],
      ["SESSION_COOKIE_AGE", 1.5],
      ["SESSION_COOKIE_AGE", Number.NaN],
      ["SESSION_COOKIE_AGE", 1e20],
      ["CSRF_COOKIE_AGE", "1"],
      ["SESSION_COOKIE_SECURE", "yes"],
      ["SESSION_COOKIE_HTTPONLY", 1],
      ["SESSION_SAVE_EVERY_REQUEST", null],
      ["SESSION_EXPIRE_AT_BROWSER_CLOSE", "false"],
      ["CSRF_COOKIE_SECURE", 0],
      ["CSRF_COOKIE_HTTPONLY", "true"],
      ["CSRF_USE_SESSIONS", 1],
      ["CSRF_HEADER_NAME", "X-CSRFToken"],
      ["MESSAGE_LEVEL", 2.5],
      ["MESSAGE_TAGS", { info: "x" }],
      ["MESSAGE_TAGS", [["20", "x"]]],
      ["MESSAGE_STORAGE", 1],
      ["LOGIN_URL", ""],
      ["PASSWORD_HASHERS", []],
      ["PASSWORD_HASHERS", "django.contrib.auth.hashers.PBKDF2PasswordHasher"],
      ["AUTHENTICATION_BACKENDS", "django.contrib.auth.backends.ModelBackend"],
      ["djangoVersion", "5"],
      ["djangoVersion", 5.2],
      ["sessionStoreClass", "my store"],
      ["sessionStoreClass", ""],
      ["maxDecompressedBytes", 0],
      ["maxDecompressedBytes", -1],
      ["maxDecompressedBytes", 1.5],
    ];
    for (const [setting, value] of wrong) {
      refused({ SECRET_KEY: SECRET, [setting]: value }, setting);
    }
  });

  test("anything but an object is refused", () => {
    for (const input of [null, undefined, SECRET, 1]) {
      assert.throws(
        () => djangoSettings(input as unknown as DjangoSettingsInput),
        (error: unknown) =>
          error instanceof ImproperlyConfigured && !error.message.includes(SECRET),
      );
    }
  });
});

describe("the result", () => {
  test("is frozen, its lists and maps too", () => {
    const settings = djangoSettings({
      SECRET_KEY: SECRET,
      SECRET_KEY_FALLBACKS: ["old"],
      CSRF_TRUSTED_ORIGINS: ["https://example.com"],
      MESSAGE_TAGS: { 40: "danger" },
    });
    assert.ok(Object.isFrozen(settings));
    for (
      const value of [
        settings.SECRET_KEY_FALLBACKS,
        settings.CSRF_TRUSTED_ORIGINS,
        settings.MESSAGE_TAGS,
        settings.PASSWORD_HASHERS,
        settings.AUTHENTICATION_BACKENDS,
      ]
    ) {
      assert.ok(Object.isFrozen(value), JSON.stringify(value));
    }
    const writable = settings as unknown as Record<string, unknown>;
    assert.throws(() => writable.SECRET_KEY = "other", TypeError);
    assert.throws(() => (settings.SECRET_KEY_FALLBACKS as string[]).push("more"), TypeError);
    assert.equal(settings.SECRET_KEY, SECRET);
  });

  test("leaves the caller's input alone: its lists are copied, not frozen or kept", () => {
    const fallbacks = ["old"];
    const tags = { 40: "danger" };
    const input = { SECRET_KEY: SECRET, SECRET_KEY_FALLBACKS: fallbacks, MESSAGE_TAGS: tags };
    const settings = djangoSettings(input);
    assert.ok(!Object.isFrozen(input) && !Object.isFrozen(fallbacks) && !Object.isFrozen(tags));
    fallbacks.push("leaked");
    (tags as Record<number, string>)[10] = "leaked";
    assert.deepEqual(settings.SECRET_KEY_FALLBACKS, ["old"]);
    assert.deepEqual(settings.MESSAGE_TAGS, { 40: "danger" });
  });

  test("is taken back as it is by every function (checked once)", () => {
    const settings = djangoSettings({ SECRET_KEY: SECRET });
    assert.equal(new SignedCookieBackend(settings).settings, settings);
    assert.equal(new SessionBackend(new SignedCookieStore(settings), settings).settings, settings);
  });
});

describe("the plain input object is taken wherever the settings are", () => {
  const plain = { SECRET_KEY: SECRET, SESSION_COOKIE_NAME: "sid", SESSION_COOKIE_AGE: 60 };
  const bad = {
    SECRET_KEY: SECRET,
    SESSION_COOKIE_SAMESITE: "Sometimes",
  } as unknown as DjangoSettingsInput;
  const expected = { ...djangoSettings(plain) };

  test("stores and backends check it and hold the full settings", async () => {
    const sqlite = await openSqlite(":memory:");
    // Clients that are never called: constructing a backend checks its settings, it sends nothing.
    const noServer = { query: () => Promise.reject(new Error("no server")) };
    const dialect = {
      select: () => Promise.resolve(null),
      insert: () => Promise.resolve(true),
      update: () => Promise.resolve(true),
      delete: () => Promise.resolve(),
      exists: () => Promise.resolve(false),
      deleteExpired: () => Promise.resolve(0),
    };
    try {
      const makers: [string, (settings: DjangoSettingsInput) => { settings: object }][] = [
        ["SignedCookieBackend", (s) => new SignedCookieBackend(s)],
        ["SessionBackend", (s) => new SessionBackend(new SignedCookieStore(s), s)],
        ["PostgresBackend", (s) => new PostgresBackend(noServer as never, s)],
        ["SqliteBackend", (s) => new SqliteBackend(sqlite, s)],
        ["MysqlBackend", (s) => new MysqlBackend(noServer as never, s)],
        ["Session", (s) => new Session(new SqlStore(dialect, s), null, s)],
      ];
      for (const [name, make] of makers) {
        assert.deepEqual({ ...make(plain).settings }, expected, name);
        assert.throws(() => make(bad), ImproperlyConfigured, name);
      }
      assert.throws(() => new SignedCookieStore(bad), ImproperlyConfigured);
      assert.throws(() => new SqlStore(dialect, bad), ImproperlyConfigured);
    } finally {
      sqlite.close();
    }
  });

  test("the codec, the cookie helpers and the middleware read it", async () => {
    const encoded = await encodeSession({ a: 1 }, plain);
    assert.deepEqual(await decodeSession(encoded, plain), { a: 1 });
    assert.deepEqual(await decodeSession(encoded, djangoSettings(plain)), { a: 1 });
    await assert.rejects(async () => await encodeSession({ a: 1 }, bad), ImproperlyConfigured);
    await assert.rejects(decodeSession(encoded, bad), ImproperlyConfigured);

    const request = new Request("http://test/", { headers: { cookie: "sid=abcdefgh" } });
    assert.equal(sessionKeyOf(request, plain), "abcdefgh");
    assert.match(sessionCookie("abcdefgh", 60, 0, plain), /^sid=abcdefgh; expires=.*Max-Age=60/);
    assert.match(deletionCookie(plain), /^sid=""; expires=Thu, 01 Jan 1970/);
    assert.throws(() => sessionCookie("abcdefgh", 60, 0, bad), ImproperlyConfigured);
    assert.throws(() => deletionCookie(bad), ImproperlyConfigured);

    const handler = withSession(async (_request, { session }) => {
      (await session.load()).set("n", 1);
      return new Response("ok");
    }, { backend: new SignedCookieBackend(plain) });
    const response = await handler(new Request("http://test/"));
    assert.match(response.headers.get("set-cookie") ?? "", /^sid=[^;]+; expires=.*Max-Age=60/);
  });
});
