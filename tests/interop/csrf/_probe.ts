/**
 * One request, sent the same way to real Django (its test Client through the whole middleware
 * stack, tests/django/csrf_site.py) and to a TypeScript service, and what each answered: the
 * status, the CSRF reason, the cookies set and `Vary`.
 */
import { Buffer } from "node:buffer";
import { type IncomingMessage, request as httpRequest } from "node:http";
import type { Django, DjangoVersion } from "../../_django.ts";

/** A request as both sides receive it (host `testserver` unless `host` says otherwise). */
export interface Probe {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  contentType?: string;
  secure?: boolean;
  host?: string;
  /** Django's `SERVER_PORT` (the TypeScript URL carries it). */
  serverPort?: string;
}

/** What came back. */
export interface Seen {
  status: number;
  reason: string | null;
  /** name → the `Set-Cookie` value. */
  cookies: Record<string, string>;
  vary: string | null;
  /** Django's `Location` (redirects). */
  location?: string | null;
  body: string;
}

/** Django's settings for the site, for a version; trusted origins in the form that version reads. */
export function siteSettings(
  version: DjangoVersion,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    INSTALLED_APPS: [
      "django.contrib.admin",
      "django.contrib.auth",
      "django.contrib.contenttypes",
      "django.contrib.sessions",
      "django.contrib.messages",
    ],
    MIDDLEWARE: [
      "django.contrib.sessions.middleware.SessionMiddleware",
      "django.middleware.common.CommonMiddleware",
      "django.middleware.csrf.CsrfViewMiddleware",
      "django.contrib.auth.middleware.AuthenticationMiddleware",
      "django.contrib.messages.middleware.MessageMiddleware",
    ],
    TEMPLATES: [{
      BACKEND: "django.template.backends.django.DjangoTemplates",
      APP_DIRS: true,
      OPTIONS: {
        context_processors: [
          "django.template.context_processors.request",
          "django.contrib.auth.context_processors.auth",
          "django.contrib.messages.context_processors.messages",
        ],
      },
    }],
    ROOT_URLCONF: "csrf_site",
    ALLOWED_HOSTS: ["*"],
    DEFAULT_AUTO_FIELD: "django.db.models.AutoField",
    SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies",
    // Django 3.2 reads hosts; 4.0+ origins with their scheme (what our setting always holds).
    CSRF_TRUSTED_ORIGINS: version === "3.2"
      ? ["trusted.example", ".wild.example"]
      : ["https://trusted.example", "https://*.wild.example"],
    ...extra,
  };
}

/** The trusted origins of {@linkcode siteSettings}, as our settings hold them. */
export const TRUSTED = ["https://trusted.example", "https://*.wild.example"];

/** Sends `probe` to Django. */
export function toDjango(django: Django, probe: Probe): Promise<Seen> {
  const headers = { ...probe.headers, ...(probe.host ? { host: probe.host } : {}) };
  return django.run<Seen>("import csrf_site\nresult = csrf_site.call(args)", {
    ...probe,
    headers,
  });
}

/** Sends `probe` to a fetch-style handler whose `csrfFailure` answers the reason as the body. */
export async function toService(
  handler: (request: Request) => Promise<Response>,
  probe: Probe,
): Promise<Seen> {
  const scheme = probe.secure ? "https" : "http";
  const port = probe.serverPort && !["80", "443"].includes(probe.serverPort)
    ? `:${probe.serverPort}`
    : "";
  const headers = new Headers(probe.headers);
  if (probe.contentType) headers.set("content-type", probe.contentType);
  const response = await handler(
    new Request(`${scheme}://${probe.host ?? "testserver"}${port}${probe.path}`, {
      method: probe.method,
      headers,
      body: probe.body,
    }),
  );
  const cookies: Record<string, string> = {};
  for (const cookie of response.headers.getSetCookie()) {
    cookies[cookie.slice(0, cookie.indexOf("="))] = cookie;
  }
  const body = await response.text();
  return {
    status: response.status,
    reason: response.status === 403 ? body : null,
    cookies,
    vary: response.headers.get("vary"),
    body,
  };
}

/** The hidden input's token in a page. */
export function tokenIn(html: string): string {
  const match = html.match(/name="csrfmiddlewaretoken" value="([^"]*)"/);
  if (!match) throw new Error(`no csrfmiddlewaretoken in ${html.slice(0, 300)}`);
  return match[1];
}

/** `name=value` of a `Set-Cookie`. */
export function pair(setCookie: string | undefined): string {
  if (!setCookie) throw new Error("no cookie was set");
  return setCookie.split(";")[0];
}

/** The value of a `Set-Cookie`. */
export function valueOf(setCookie: string | undefined): string {
  return pair(setCookie).split("=").slice(1).join("=");
}

/**
 * A fetch-style handler that forwards each request over real HTTP to a server on `port` (for
 * {@linkcode toService} against a framework listening on a port): the URL's host goes in `Host`,
 * and an `https` URL sends `X-Forwarded-Proto: https` (configure the framework to trust it).
 *
 * @param port the server's port on 127.0.0.1
 * @returns the forwarding handler
 */
export function overHttp(port: number): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const headers: Record<string, string | string[]> = { host: url.host };
    request.headers.forEach((value, name) => void (headers[name] = value));
    if (url.protocol === "https:") headers["x-forwarded-proto"] = "https";
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    if (body) headers["content-length"] = String(body.length);
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const sent = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method: request.method,
          path: url.pathname + url.search,
          headers,
        },
        resolve,
      );
      sent.on("error", reject);
      sent.end(body);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of answer) chunks.push(chunk as Buffer);
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const each of [value ?? []].flat()) responseHeaders.append(name, each);
    }
    return new Response(new Uint8Array(Buffer.concat(chunks)), {
      status: answer.statusCode,
      headers: responseHeaders,
    });
  };
}
