/**
 * The Origin and Referer halves of Django's `CsrfViewMiddleware.process_view`, as pure functions
 * of the request's method, URL and headers and the settings: which reason Django would reject an
 * unsafe request with before it even looks at the token, or `null`.
 *
 * - Django 4.0+: a request with an `Origin` header must come from the request's own origin
 *   (`scheme://Host`), an exact `CSRF_TRUSTED_ORIGINS` entry, or a `https://*.example.com` one;
 *   an HTTPS request without `Origin` must have an HTTPS `Referer` from the host, a trusted origin's
 *   host or, with `CSRF_COOKIE_DOMAIN` (`SESSION_COOKIE_DOMAIN` with `CSRF_USE_SESSIONS`), a host
 *   the cookie reaches.
 * - Django 3.2 has no Origin check; its Referer check is the same, with trusted origins written as
 *   hosts (`.example.com`): here they are taken from the scheme form Django 4.0+ requires.
 *
 * `Host` is taken as Django's `ALLOWED_HOSTS` would let it through: check hosts before this runs
 * (a reverse proxy or the framework) if the server answers for any `Host`.
 *
 * @module
 */
import { djangoAtLeast, type DjangoSettings } from "../settings/settings.ts";
import { isSameDomain, urlSplit, urlUnsplit } from "./url.ts";

/** Django's `REASON_*` texts (`django/middleware/csrf.py`); `%s` is the origin or referer. */
export const CSRF_REASONS: Readonly<
  Record<
    | "BAD_ORIGIN"
    | "NO_REFERER"
    | "BAD_REFERER"
    | "NO_CSRF_COOKIE"
    | "CSRF_TOKEN_MISSING"
    | "MALFORMED_REFERER"
    | "INSECURE_REFERER"
    | "BAD_TOKEN",
    string
  >
> = Object.freeze({
  BAD_ORIGIN: "Origin checking failed - %s does not match any trusted origins.",
  NO_REFERER: "Referer checking failed - no Referer.",
  BAD_REFERER: "Referer checking failed - %s does not match any trusted origins.",
  NO_CSRF_COOKIE: "CSRF cookie not set.",
  CSRF_TOKEN_MISSING: "CSRF token missing.",
  MALFORMED_REFERER: "Referer checking failed - Referer is malformed.",
  INSECURE_REFERER: "Referer checking failed - Referer is insecure while host is secure.",
  /** Django 3.2's one reason for a missing, malformed or wrong token. */
  BAD_TOKEN: "CSRF token missing or incorrect.",
});

/**
 * Request headers: a `Headers` (the runtime's, or another implementation's such as the undici
 * package's, which Oak's Node server hands out), or a plain object of lowercase names (Node's
 * `req.headers`).
 */
export type HeaderSource = Pick<Headers, "get"> | NodeHeaders;

/** Node's `req.headers`: lowercase names, a list for a header sent more than once. */
export type NodeHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the checks read of a request. */
export interface CsrfRequestLine {
  /** The method, e.g. `"POST"`. */
  method: string;
  /** The absolute URL the server answers (its scheme says whether the request is secure). */
  url: string;
  /** The request headers. */
  headers: HeaderSource;
}

/**
 * One header's value, or `null` when absent.
 *
 * @param headers the request headers
 * @param name a lowercase header name
 * @returns the value (repeated headers joined by `", "`)
 */
export function headerOf(headers: HeaderSource, name: string): string | null {
  // Not `instanceof Headers`: another implementation's class is no instance of the runtime's.
  if (typeof headers.get === "function") return (headers as Pick<Headers, "get">).get(name);
  const value = (headers as NodeHeaders)[name];
  if (value === undefined) return null;
  return typeof value === "string" ? value : value.join(", ");
}

/** Django's `request.get_host()`: `Host`, else the URL's host. */
function hostOf(request: CsrfRequestLine, url: URL): string {
  return headerOf(request.headers, "host") ?? url.host;
}

/**
 * Why Django would refuse this unsafe request on its `Origin` or `Referer`, or `null` when they pass
 * (the token is checked afterwards, by {@linkcode csrfCheck}).
 *
 * @param request the method, URL and headers
 * @param settings Django's settings (`CSRF_TRUSTED_ORIGINS`, the cookie domains, `djangoVersion`)
 * @returns Django's reason, or `null`
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { csrfOriginFailure } from "@django-interop/session/csrf";
 * const settings = djangoSettings({ SECRET_KEY: "k" });
 * const headers = new Headers({ origin: "https://evil.example" });
 * console.log(csrfOriginFailure({ method: "POST", url: "https://shop.example/", headers }, settings));
 * // Origin checking failed - https://evil.example does not match any trusted origins.
 * ```
 */
export function csrfOriginFailure(
  request: CsrfRequestLine,
  settings: DjangoSettings,
): string | null {
  const url = new URL(request.url);
  const modern = djangoAtLeast(settings, "4.0");
  const origin = headerOf(request.headers, "origin");
  if (modern && origin !== null) {
    return originVerified(origin, request, url, settings)
      ? null
      : CSRF_REASONS.BAD_ORIGIN.replace("%s", () => origin);
  }
  return url.protocol === "https:" ? refererFailure(request, url, settings) : null;
}

function originVerified(
  origin: string,
  request: CsrfRequestLine,
  url: URL,
  settings: DjangoSettings,
): boolean {
  const scheme = url.protocol === "https:" ? "https" : "http";
  if (origin === `${scheme}://${hostOf(request, url)}`) return true;
  const trusted = settings.CSRF_TRUSTED_ORIGINS;
  if (trusted.some((o) => !o.includes("*") && o === origin)) return true;
  const parsed = urlSplit(origin);
  if (parsed === null) return false;
  return trusted.some((o) => {
    if (!o.includes("*")) return false;
    const allowed = urlSplit(o);
    return allowed?.scheme === parsed.scheme &&
      isSameDomain(parsed.netloc, allowed.netloc.replace(/^\*+/, ""));
  });
}

/** `netloc.lstrip("*")` of each trusted origin: Django's `csrf_trusted_origins_hosts`. */
function trustedHosts(settings: DjangoSettings): string[] {
  return settings.CSRF_TRUSTED_ORIGINS.map((o) => (urlSplit(o)?.netloc ?? "").replace(/^\*+/, ""));
}

function refererFailure(request: CsrfRequestLine, url: URL, settings: DjangoSettings) {
  const header = headerOf(request.headers, "referer");
  if (header === null) return CSRF_REASONS.NO_REFERER;
  const referer = urlSplit(header);
  if (referer === null || referer.scheme === "" || referer.netloc === "") {
    return CSRF_REASONS.MALFORMED_REFERER;
  }
  if (referer.scheme !== "https") return CSRF_REASONS.INSECURE_REFERER;
  const domain = settings.CSRF_USE_SESSIONS
    ? settings.SESSION_COOKIE_DOMAIN
    : settings.CSRF_COOKIE_DOMAIN;
  // Django's request.get_port() is the server's port, which the URL carries.
  const port = url.port || "443";
  const good = domain === null
    ? hostOf(request, url)
    : port === "443" || port === "80"
    ? domain
    : `${domain}:${port}`;
  const hosts = [...trustedHosts(settings), good];
  if (hosts.some((host) => isSameDomain(referer.netloc, host))) return null;
  return CSRF_REASONS.BAD_REFERER.replace("%s", () => urlUnsplit(referer));
}
