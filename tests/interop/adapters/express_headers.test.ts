// Set-Cookie and Vary from the Express adapter, over HTTP, byte for byte against real Django's
// SessionMiddleware for the cases of tests/http_django.test.ts: the same operation on a session of
// the same SQLite file, Django's clock set to the instant our `expires` names, its random key for a
// new session replaced by ours.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import express from "express";
import { djangoSession, sessionOf } from "../../../src/adapters/express.ts";
import type { DjangoSettingsInput } from "../../../src/settings/settings.ts";
import type { Session } from "../../../src/session/session.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import {
  closeDjangos,
  django,
  DJANGO_DB_CREATE,
  DJANGO_VERSIONS,
  type DjangoVersion,
  sqliteDatabase,
} from "../../_django.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";

const SECRET_KEY = "django-insecure-express-headers";

// Django's middleware on `args.header` (already holding the key), its clock at `args.now`.
const MIDDLEWARE = `
from django.contrib.sessions import middleware
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

class Clock:
    def time(self):
        return args["now"]

middleware.time = Clock()
with override_settings(**args["settings"]):
    def view(request):
        for op in args["ops"]:
            exec(op, {"s": request.session})
        response = HttpResponse(status=args["status"])
        if args["vary"]:
            response["Vary"] = args["vary"]
        return response

    request = RequestFactory().get("/", HTTP_COOKIE=args["header"])
    response = middleware.SessionMiddleware(view)(request)
    result = {
        "key": request.session.session_key,
        "setCookie": [m.OutputString() for m in response.cookies.values()],
        "vary": response.get("Vary"),
    }
`;
// Puts the seed session back under its key, as it was before our request changed or deleted it.
const RESEED = `
from django.contrib.sessions.backends.db import SessionStore
SessionStore(session_key=args).delete()
s = SessionStore(session_key=args)
s._session_cache = {"seed": 1}  # not update(): loading the missing row would drop the key
s.save(must_create=True)
`;

type Op = (session: Session) => unknown;
const load = (then: (s: Session) => unknown): Op => async (s) => then(await s.load());

interface Outcome {
  setCookie: string[];
  vary: string | null;
}

interface Case {
  name: string;
  settings?: Partial<DjangoSettingsInput>;
  cookie: string;
  /** The same operation in Python (Django's view) and TypeScript (our handler). */
  ops: [python: string[], ours: Op];
  status?: number;
  vary?: string;
  /** What we send where an older Django differs (we follow the newest), from its answer. */
  older?: Partial<Record<DjangoVersion, (django: Outcome) => Outcome>>;
}

const none: Case["ops"] = [[], () => {}];
const setA: Case["ops"] = [['s["a"] = 1'], load((s) => s.set("a", 1))];
const flush: Case["ops"] = [["s.flush()"], (s) => s.flush()];
const readSeed: Case["ops"] = [['s.get("seed")'], load((s) => s.get("seed"))];
const varies = (django: Outcome) => ({ ...django, vary: "Cookie" });

const CASES: Case[] = [
  { name: "new session, modified", cookie: "", ops: setA },
  { name: "new session, only read", cookie: "", ops: [['s.get("a")'], load((s) => s.get("a"))] },
  { name: "no session touched, no cookie", cookie: "", ops: none },
  { name: "existing session, read", cookie: "sessionid={existing}", ops: readSeed },
  { name: "existing session, modified", cookie: "sessionid={existing}", ops: setA },
  { name: "existing session, untouched", cookie: "sessionid={existing}", ops: none },
  { name: "existing session, flushed", cookie: "sessionid={existing}", ops: flush },
  {
    name: "existing session, cleared",
    cookie: "sessionid={existing}",
    ops: [["s.clear()"], (s) => s.clear()],
  },
  {
    name: "unknown key, read",
    cookie: "sessionid=nosuchsession1234567890",
    ops: [['s.get("x")'], load((s) => s.get("x"))],
  },
  { name: "garbage key, untouched", cookie: 'sessionid="bad key"', ops: none },
  {
    name: "browser-close expiry set by the view",
    cookie: "sessionid={existing}",
    ops: [["s.set_expiry(0)"], load((s) => s.setExpiry(0))],
  },
  {
    name: "SESSION_EXPIRE_AT_BROWSER_CLOSE setting",
    settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true },
    cookie: "",
    ops: setA,
  },
  {
    name: "custom cookie settings",
    settings: {
      SESSION_COOKIE_NAME: "__Secure-sid",
      SESSION_COOKIE_DOMAIN: ".example.com",
      SESSION_COOKIE_PATH: "/app",
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_HTTPONLY: false,
      SESSION_COOKIE_SAMESITE: "Strict",
      SESSION_COOKIE_AGE: 3600,
    },
    cookie: "",
    ops: setA,
  },
  {
    name: "custom settings, deleted cookie",
    settings: {
      SESSION_COOKIE_NAME: "__Host-s",
      SESSION_COOKIE_DOMAIN: ".example.com",
      SESSION_COOKIE_SAMESITE: false,
    },
    cookie: "__Host-s={existing}",
    ops: flush,
  },
  {
    name: "SameSite=None deletion is Secure",
    settings: { SESSION_COOKIE_SAMESITE: "None", SESSION_COOKIE_SECURE: true },
    cookie: "sessionid={existing}",
    ops: flush,
  },
  {
    name: "existing Vary is extended",
    cookie: "sessionid={existing}",
    ops: readSeed,
    vary: "Accept-Encoding",
  },
  { name: "Vary: * stays *", cookie: "", ops: setA, vary: "Accept, *" },
  { name: "500 saves nothing", cookie: "", ops: setA, status: 500 },
  {
    name: "503 saves nothing (4.2+)",
    cookie: "sessionid={existing}",
    ops: setA,
    status: 503,
    older: { "3.2": (django) => ({ ...django, setCookie: [] }) },
  },
  {
    name: "SESSION_SAVE_EVERY_REQUEST re-sends an untouched session, varying on Cookie (5.2.14+)",
    settings: { SESSION_SAVE_EVERY_REQUEST: true },
    cookie: "sessionid={existing}",
    ops: none,
    older: { "3.2": varies, "4.2": varies },
  },
];

const dir = tempDirectory("express-headers");
const file = dir.path("db.sqlite3");
const DATABASES = { default: sqliteDatabase(file) };
let db: TestDatabase;
before(async () => {
  await django("5.2", { SECRET_KEY, DATABASES }).run(
    `from django.core.management import call_command
call_command("migrate", verbosity=0)`,
  );
  db = await openSqlite(file);
});
after(async () => {
  await closeDjangos();
  db.close();
  dir.remove();
});

/** Our side: one Express app with the case's settings, one request. */
async function ours(version: DjangoVersion, c: Case, header: string): Promise<Outcome> {
  const backend = new SqliteBackend(db, { SECRET_KEY, djangoVersion: version, ...c.settings });
  const app = express().use(djangoSession({ backend }));
  app.get("/", async (req, res) => {
    await c.ops[1](sessionOf(req));
    if (c.vary) res.setHeader("Vary", c.vary);
    res.status(c.status ?? 200).end();
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      headers: header ? { cookie: header } : {},
    });
    await response.arrayBuffer();
    return { setCookie: response.headers.getSetCookie(), vary: response.headers.get("vary") };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The instant our cookie's `expires` was computed at (mid-second, so Django rounds alike). */
function instantOf(setCookie: string[]): number {
  const match = setCookie.join("\n").match(/expires=([^;]+ GMT); [^\n]*Max-Age=(\d+)/);
  return match ? Date.parse(match[1]) / 1000 - Number(match[2]) + 0.5 : Date.now() / 1000;
}

/** Django's settings for the case (`false` SameSite is Python's `None`). */
function djangoSide(settings: Partial<DjangoSettingsInput> = {}) {
  const sameSite = settings.SESSION_COOKIE_SAMESITE;
  return { ...settings, ...(sameSite === false ? { SESSION_COOKIE_SAMESITE: null } : {}) };
}

for (const version of DJANGO_VERSIONS) {
  describe(`Express: Set-Cookie and Vary byte-equal to Django ${version}'s SessionMiddleware`, () => {
    const dj = django(version, { SECRET_KEY, DATABASES });
    for (const c of CASES) {
      test(c.name, async () => {
        const seed = c.cookie.includes("{existing}")
          ? await dj.run<string>(DJANGO_DB_CREATE, { seed: 1 })
          : null;
        const header = seed ? c.cookie.replace("{existing}", seed) : c.cookie;
        const ourOutcome = await ours(version, c, header);
        if (seed) await dj.run(RESEED, seed);
        const answer = await dj.run<Outcome & { key: string | null }>(MIDDLEWARE, {
          settings: djangoSide(c.settings),
          header,
          ops: c.ops[0],
          status: c.status ?? 200,
          vary: c.vary ?? null,
          now: instantOf(ourOutcome.setCookie),
        });
        const ourKey = ourOutcome.setCookie.join().match(/=([a-z0-9]{32});/)?.[1];
        const djangoOutcome: Outcome = {
          setCookie: answer.setCookie.map((cookie) =>
            answer.key && ourKey ? cookie.replace(answer.key, ourKey) : cookie
          ),
          vary: answer.vary,
        };
        assert.deepEqual(ourOutcome, c.older?.[version]?.(djangoOutcome) ?? djangoOutcome);
      });
    }
  });
}
