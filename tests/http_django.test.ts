// The commit decision against real Django's SessionMiddleware: Django runs a view that does
// something to a real (database) session; we feed the flags Django's middleware saw into
// decideCommit / sessionCookie / deletionCookie / varyOnCookie and expect Django's exact Set-Cookie
// and Vary (same key, same clock).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseCookie } from "../src/http/cookie.ts";
import { decideCommit, deletionCookie, sessionCookie, varyOnCookie } from "../src/http/commit.ts";
import { cookieSettings, type SessionCookieOptions } from "../src/http/options.ts";
import { closeDjangos, django, DJANGO_VERSIONS, type DjangoVersion } from "./_django.ts";

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
  options?: SessionCookieOptions;
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
    name: "expireAtBrowserClose setting",
    cookie: "",
    ops: ['s["a"] = 1'],
    extra: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true },
    maxAge: null,
  },
  {
    name: "custom cookie settings",
    options: {
      cookieName: "__Secure-sid",
      cookieDomain: ".example.com",
      cookiePath: "/app",
      cookieSecure: true,
      cookieHttpOnly: false,
      cookieSameSite: "Strict",
    },
    extra: { SESSION_COOKIE_AGE: 3600 },
    cookie: "",
    ops: ['s["a"] = 1'],
    maxAge: 3600,
  },
  {
    name: "custom settings, deleted cookie",
    options: { cookieName: "__Host-s", cookieDomain: ".example.com", cookieSameSite: false },
    cookie: "__Host-s={existing}",
    ops: ["s.flush()"],
  },
  {
    name: "SameSite=None deletion is Secure",
    options: { cookieSameSite: "None", cookieSecure: true },
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
    name: "saveEveryRequest re-sends an untouched session, varying on Cookie (5.2.14+)",
    options: { saveEveryRequest: true },
    cookie: "sessionid={existing}",
    ops: [],
    older: { "3.2": noVary, "4.2": noVary },
  },
];

function djangoSettings(options: SessionCookieOptions, extra: Record<string, unknown> = {}) {
  const s = cookieSettings(options);
  return {
    SESSION_COOKIE_NAME: s.cookieName,
    SESSION_COOKIE_DOMAIN: s.cookieDomain,
    SESSION_COOKIE_PATH: s.cookiePath,
    SESSION_COOKIE_SECURE: s.cookieSecure,
    SESSION_COOKIE_HTTPONLY: s.cookieHttpOnly,
    SESSION_COOKIE_SAMESITE: s.cookieSameSite || null,
    SESSION_SAVE_EVERY_REQUEST: s.saveEveryRequest,
    ...extra,
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
            django: djangoSettings(c.options ?? {}, c.extra),
            cookie: c.cookie,
            ops: c.ops,
            status,
            vary: c.vary ?? null,
          },
        });
        const settings = cookieSettings(c.options);
        const cookieSent = parseCookie(answer.header).has(settings.cookieName);
        const decision = decideCommit(
          { ...answer.flags, cookieSent, status },
          settings.saveEveryRequest,
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
