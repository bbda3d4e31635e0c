// The commit decision against real Django's SessionMiddleware: Django runs a view that does
// something to a real (database) session; we feed the flags Django's middleware saw into
// decideCommit / sessionCookie / deletionCookie / varyOnCookie and expect Django's exact Set-Cookie
// and Vary (same key, same clock).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  decideCommit,
  deletionCookie,
  parseCookie,
  sessionCookie,
  varyOnCookie,
} from "../../../src/http/mod.ts";
import { djangoSettings, type DjangoSettingsInput } from "../../../mod.ts";
import { closeDjangos, django, DJANGO_VERSIONS, type DjangoVersion } from "../../_django.ts";

after(closeDjangos);

const NOW = 1800000000.75;

const MIDDLEWARE = `
from django.conf import settings
from django.core.management import call_command
from django.contrib.sessions import middleware
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

if "django_session" not in connection.introspection.table_names():
    call_command("migrate", verbosity=0)

class Clock:
    def time(self):
        return args["now"]

middleware.time = Clock()
seen = {}

class Recording(middleware.SessionMiddleware):
    def process_response(self, request, response):
        s = request.session
        seen.update(accessed=s.accessed, modified=s.modified, isEmpty=s.is_empty())
        return super().process_response(request, response)

case = args["case"]
with override_settings(**case["django"]):
    header = case["cookie"]
    if "{existing}" in header:
        s = SessionStore()
        s["seed"] = 1
        s.save()
        header = header.replace("{existing}", s.session_key)

    def view(request):
        for op in case["ops"]:
            exec(op, {"s": request.session})
        response = HttpResponse(status=case["status"])
        if case["vary"]:
            response["Vary"] = case["vary"]
        return response

    request = RequestFactory().get("/", HTTP_COOKIE=header)
    response = Recording(view)(request)
    result = {
        "header": header,
        "flags": seen,
        "key": request.session.session_key,
        "setCookie": [m.OutputString() for m in response.cookies.values()],
        "vary": response.get("Vary"),
    }
`;

interface Outcome {
  setCookie: string[];
  vary: string | null;
}

interface Case {
  name: string;
  /** Session cookie settings, given to both sides. */
  options?: Partial<DjangoSettingsInput>;
  /** Django-only settings that the session (not the cookie layer) reads. */
  extra?: Record<string, unknown>;
  cookie: string;
  ops: string[];
  status?: number;
  vary?: string;
  /** What `session.getExpiryAge()` gives (`null`: expires at browser close). */
  maxAge?: number | null;
  /** How an older Django's output differs from ours (the modern behaviour), per version. */
  older?: Partial<Record<DjangoVersion, (ours: Outcome, saved: string) => Outcome>>;
}

const noVary = (ours: Outcome): Outcome => ({ ...ours, vary: null });

const CASES: Case[] = [
  { name: "new session, modified", cookie: "", ops: ['s["counter"] = 1'] },
  { name: "new session, only read", cookie: "", ops: ['s.get("counter")'] },
  { name: "no session touched, no cookie", cookie: "", ops: [] },
  { name: "existing session, read", cookie: "sessionid={existing}", ops: ['s.get("seed")'] },
  { name: "existing session, modified", cookie: "sessionid={existing}", ops: ['s["n"] = 2'] },
  { name: "existing session, untouched", cookie: "sessionid={existing}", ops: [] },
  { name: "existing session, flushed", cookie: "sessionid={existing}", ops: ["s.flush()"] },
  { name: "existing session, cleared", cookie: "sessionid={existing}", ops: ["s.clear()"] },
  { name: "unknown key, read", cookie: "sessionid=nosuchsession1234567890", ops: ['s.get("x")'] },
  { name: "garbage key, untouched", cookie: 'sessionid="bad key"', ops: [] },
  {
    name: "browser-close expiry set by the view",
    cookie: "sessionid={existing}",
    ops: ["s.set_expiry(0)"],
    maxAge: null,
  },
  {
    name: "SESSION_EXPIRE_AT_BROWSER_CLOSE setting",
    cookie: "",
    ops: ['s["a"] = 1'],
    extra: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true },
    maxAge: null,
  },
  {
    name: "custom cookie settings",
    options: {
      SESSION_COOKIE_NAME: "__Secure-sid",
      SESSION_COOKIE_DOMAIN: ".example.com",
      SESSION_COOKIE_PATH: "/app",
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_HTTPONLY: false,
      SESSION_COOKIE_SAMESITE: "Strict",
    },
    extra: { SESSION_COOKIE_AGE: 3600 },
    cookie: "",
    ops: ['s["a"] = 1'],
    maxAge: 3600,
  },
  {
    name: "custom settings, deleted cookie",
    options: {
      SESSION_COOKIE_NAME: "__Host-s",
      SESSION_COOKIE_DOMAIN: ".example.com",
      SESSION_COOKIE_SAMESITE: false,
    },
    cookie: "__Host-s={existing}",
    ops: ["s.flush()"],
  },
  {
    name: "SameSite=None deletion is Secure",
    options: { SESSION_COOKIE_SAMESITE: "None", SESSION_COOKIE_SECURE: true },
    cookie: "sessionid={existing}",
    ops: ["s.flush()"],
  },
  {
    name: "existing Vary is extended",
    cookie: "sessionid={existing}",
    ops: ['s.get("seed")'],
    vary: "Accept-Encoding",
  },
  { name: "Vary: * stays *", cookie: "", ops: ['s["a"] = 1'], vary: "Accept, *" },
  { name: "500 saves nothing", cookie: "", ops: ['s["a"] = 1'], status: 500 },
  {
    name: "503 saves nothing (4.2+)",
    cookie: "sessionid={existing}",
    ops: ['s["a"] = 1'],
    status: 503,
    older: { "3.2": (_, saved) => ({ setCookie: [saved], vary: "Cookie" }) },
  },
  {
    name: "SESSION_SAVE_EVERY_REQUEST re-sends an untouched session, varying on Cookie (5.2.14+)",
    options: { SESSION_SAVE_EVERY_REQUEST: true },
    cookie: "sessionid={existing}",
    ops: [],
    older: { "3.2": noVary, "4.2": noVary },
  },
];

/** Our settings for a case (the bridge's SECRET_KEY: the cookies do not depend on it). */
const oursFor = (c: Case) =>
  djangoSettings({ SECRET_KEY: "django-insecure-test-key", ...c.options });

/** The same settings for Django (`SameSite` false is Python's `None`), plus the case's extra. */
function pythonSettings(c: Case) {
  const s = oursFor(c);
  return {
    SESSION_COOKIE_NAME: s.SESSION_COOKIE_NAME,
    SESSION_COOKIE_DOMAIN: s.SESSION_COOKIE_DOMAIN,
    SESSION_COOKIE_PATH: s.SESSION_COOKIE_PATH,
    SESSION_COOKIE_SECURE: s.SESSION_COOKIE_SECURE,
    SESSION_COOKIE_HTTPONLY: s.SESSION_COOKIE_HTTPONLY,
    SESSION_COOKIE_SAMESITE: s.SESSION_COOKIE_SAMESITE || null,
    SESSION_SAVE_EVERY_REQUEST: s.SESSION_SAVE_EVERY_REQUEST,
    ...c.extra,
  };
}

interface DjangoAnswer extends Outcome {
  header: string;
  key: string | null;
  flags: { accessed: boolean; modified: boolean; isEmpty: boolean };
}

for (const version of DJANGO_VERSIONS) {
  describe(`Set-Cookie and Vary match Django ${version}'s SessionMiddleware`, () => {
    for (const c of CASES) {
      test(c.name, async () => {
        const status = c.status ?? 200;
        const answer = await django(version).run<DjangoAnswer>(MIDDLEWARE, {
          now: NOW,
          case: {
            django: pythonSettings(c),
            cookie: c.cookie,
            ops: c.ops,
            status,
            vary: c.vary ?? null,
          },
        });
        const settings = oursFor(c);
        const cookieSent = parseCookie(answer.header).has(settings.SESSION_COOKIE_NAME);
        const decision = decideCommit(
          { ...answer.flags, cookieSent, status },
          settings.SESSION_SAVE_EVERY_REQUEST,
        );
        const maxAge = c.maxAge === undefined ? 1209600 : c.maxAge;
        const saved = sessionCookie(answer.key ?? "", maxAge, NOW, settings);
        const setCookie = decision.action === "save"
          ? [saved]
          : decision.action === "delete"
          ? [deletionCookie(settings)]
          : [];
        const ours: Outcome = {
          setCookie,
          vary: decision.vary ? varyOnCookie(c.vary ?? null) : c.vary ?? null,
        };
        const expected = c.older?.[version]?.(ours, saved) ?? ours;
        assert.deepEqual({ setCookie: answer.setCookie, vary: answer.vary }, expected);
      });
    }
  });
}
