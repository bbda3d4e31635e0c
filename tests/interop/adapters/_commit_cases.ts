/**
 * The Set-Cookie / Vary cases of tests/http_django.test.ts, for adapters: each case's operations
 * as Python (run by Django's real `SessionMiddleware`, its clock set to ours) and as the same calls
 * on our session (run by the adapter's page), with Django's settings for both.
 */
import type { Session } from "../../../src/session/session.ts";
import type { DjangoSettingsInput } from "../../../src/settings/settings.ts";
import type { DjangoVersion } from "../../_django.ts";

/** One operation, as Python on `s` (Django's session) and as a call on ours. */
export const OPS: Record<string, (s: Session) => Promise<unknown> | unknown> = {
  'set("counter", 1)': async (s) => (await s.load()).set("counter", 1),
  'get("counter")': async (s) => (await s.load()).get("counter"),
  'get("seed")': async (s) => (await s.load()).get("seed"),
  'set("a", 1)': async (s) => (await s.load()).set("a", 1),
  'set("n", 2)': async (s) => (await s.load()).set("n", 2),
  "flush()": (s) => s.flush(),
  "clear()": async (s) => (await s.load()).clear(),
  "setExpiry(0)": async (s) => (await s.load()).setExpiry(0),
};

const PYTHON: Record<keyof typeof OPS, string> = {
  'set("counter", 1)': 's["counter"] = 1',
  'get("counter")': 's.get("counter")',
  'get("seed")': 's.get("seed")',
  'set("a", 1)': 's["a"] = 1',
  'set("n", 2)': 's["n"] = 2',
  "flush()": "s.flush()",
  "clear()": "s.clear()",
  "setExpiry(0)": "s.set_expiry(0)",
};

/** What an adapter sends, with session keys replaced by `KEY`. */
export interface Outcome {
  setCookie: string[];
  vary: string | null;
}

/** One case: settings, the request's cookie, the view's operations, status and Vary. */
export interface CommitCase {
  name: string;
  settings?: Partial<DjangoSettingsInput>;
  /** The request's Cookie header; `{existing}` is replaced by a saved session's key. */
  cookie: string;
  ops: (keyof typeof OPS)[];
  status?: number;
  vary?: string;
  /** How an older Django's output differs from ours (the modern behaviour), per version. */
  older?: Partial<Record<DjangoVersion, (ours: Outcome, saved: string) => Outcome>>;
}

const noVary = (ours: Outcome): Outcome => ({ ...ours, vary: null });

export const CASES: CommitCase[] = [
  { name: "new session, modified", cookie: "", ops: ['set("counter", 1)'] },
  { name: "new session, only read", cookie: "", ops: ['get("counter")'] },
  { name: "no session touched, no cookie", cookie: "", ops: [] },
  { name: "existing session, read", cookie: "sessionid={existing}", ops: ['get("seed")'] },
  { name: "existing session, modified", cookie: "sessionid={existing}", ops: ['set("n", 2)'] },
  { name: "existing session, untouched", cookie: "sessionid={existing}", ops: [] },
  { name: "existing session, flushed", cookie: "sessionid={existing}", ops: ["flush()"] },
  { name: "existing session, cleared", cookie: "sessionid={existing}", ops: ["clear()"] },
  {
    name: "unknown key, read",
    cookie: "sessionid=nosuchsession1234567890",
    ops: ['get("counter")'],
  },
  { name: "garbage key, untouched", cookie: 'sessionid="bad key"', ops: [] },
  {
    name: "browser-close expiry set by the view",
    cookie: "sessionid={existing}",
    ops: ["setExpiry(0)"],
  },
  {
    name: "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true },
    cookie: "",
    ops: ['set("a", 1)'],
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
    ops: ['set("a", 1)'],
  },
  {
    name: "custom settings, deleted cookie",
    settings: {
      SESSION_COOKIE_NAME: "__Host-s",
      SESSION_COOKIE_DOMAIN: ".example.com",
      SESSION_COOKIE_SAMESITE: false,
    },
    cookie: "__Host-s={existing}",
    ops: ["flush()"],
  },
  {
    name: "SameSite=None deletion is Secure",
    settings: { SESSION_COOKIE_SAMESITE: "None", SESSION_COOKIE_SECURE: true },
    cookie: "sessionid={existing}",
    ops: ["flush()"],
  },
  {
    name: "existing Vary is extended",
    cookie: "sessionid={existing}",
    ops: ['get("seed")'],
    vary: "Accept-Encoding",
  },
  { name: "Vary: * stays *", cookie: "", ops: ['set("a", 1)'], vary: "Accept, *" },
  { name: "500 saves nothing", cookie: "", ops: ['set("a", 1)'], status: 500 },
  {
    name: "503 saves nothing (4.2+)",
    cookie: "sessionid={existing}",
    ops: ['set("a", 1)'],
    status: 503,
    older: { "3.2": (_, saved) => ({ setCookie: [saved], vary: "Cookie" }) },
  },
  {
    name: "SESSION_SAVE_EVERY_REQUEST re-sends an untouched session, varying on Cookie (5.2.14+)",
    settings: { SESSION_SAVE_EVERY_REQUEST: true },
    cookie: "sessionid={existing}",
    ops: [],
    older: { "3.2": noVary, "4.2": noVary },
  },
];

/** What Django's middleware sent for a case (`setCookie` as `Set-Cookie` values). */
export interface MiddlewareAnswer {
  key: string | null;
  setCookie: string[];
  vary: string | null;
}

/** Python for `Django.run`: one case through Django's SessionMiddleware, its clock at `now`. */
export const DJANGO_MIDDLEWARE = `
from django.contrib.sessions import middleware
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

class Clock:
    def time(self):
        return args["now"]

middleware.time = Clock()
case = args["case"]
python = ${JSON.stringify(PYTHON)}
settings = {k: (v if v is not False else None) for k, v in case["settings"].items()}
with override_settings(**settings):
    header = case["cookie"]
    if "{existing}" in header:
        s = SessionStore()
        s["seed"] = 1
        s.save()
        header = header.replace("{existing}", s.session_key)

    def view(request):
        for op in case["ops"]:
            exec(python[op], {"s": request.session})
        response = HttpResponse(status=case["status"])
        if case.get("vary"):
            response["Vary"] = case["vary"]
        return response

    request = RequestFactory().get("/", HTTP_COOKIE=header)
    response = middleware.SessionMiddleware(view)(request)
    result = {
        "key": request.session.session_key,
        "setCookie": [m.OutputString() for m in response.cookies.values()],
        "vary": response.get("Vary"),
    }
`;
