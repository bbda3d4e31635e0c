/**
 * Django's `login_required` redirect, as a pure function of the request's URL and `LOGIN_URL`:
 * `redirect_to_login(next, login_url)` after `user_passes_test`'s choice of `next` (only the path
 * when the login page is on the same scheme and host, the whole URL otherwise).
 *
 * ```text
 * GET http://shop.example/orders/?page=2   LOGIN_URL = "/accounts/login/"
 * → Location: /accounts/login/?next=/orders/%3Fpage%3D2
 * ```
 *
 * @module
 */

/** Python's `urllib.parse.quote` always-safe characters. */
const ALWAYS_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~";
const encoder = new TextEncoder();

/** Python's `quote(text, safe)` over UTF-8 bytes, with uppercase escapes. */
function quote(text: string | Uint8Array, safe: string): string {
  let out = "";
  for (const byte of typeof text === "string" ? encoder.encode(text) : text) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && (ALWAYS_SAFE.includes(char) || safe.includes(char))
      ? char
      : "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Python's `unquote_to_bytes`: `%XX` to bytes, anything else (a bad escape too) kept. */
function unquoteBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  const raw = encoder.encode(text);
  for (let i = 0; i < raw.length; i++) {
    const hex = String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0);
    if (raw[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(raw[i]);
  }
  return new Uint8Array(bytes);
}

const utf8 = new TextDecoder(); // errors="replace", as Python's unquote

/** One `parse_qsl(query, keep_blank_values=True)` pair per `&`-separated field. */
function parseQuery(query: string): [string, string][] {
  return query.split("&").filter((field) => field !== "").map((field) => {
    const at = field.indexOf("=");
    const [name, value] = at < 0 ? [field, ""] : [field.slice(0, at), field.slice(at + 1)];
    const plain = (text: string) => utf8.decode(unquoteBytes(text.replaceAll("+", " ")));
    return [plain(name), plain(value)];
  });
}

/** `urlsplit`: scheme (lowercased), netloc, path, query, fragment; `null` for an absent part. */
const URL_PARTS =
  /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

function splitUrl(url: string) {
  const [, scheme, netloc, path, query, fragment] = URL_PARTS.exec(url)!;
  return { scheme: scheme?.toLowerCase() ?? "", netloc: netloc ?? "", path, query, fragment };
}

/** Options of {@linkcode loginRedirectUrl} and the login-required guards. */
export interface LoginUrlOptions {
  /**
   * Where to send anonymous visitors (`login_required(login_url=…)`): a path or an absolute URL.
   * Django's URL names (`"login"`) cannot be resolved here: give the URL they resolve to.
   *
   * @default settings.LOGIN_URL
   */
  loginUrl?: string;
  /**
   * The query parameter that carries the page to come back to (`redirect_field_name`); `null` for
   * none.
   *
   * @default "next"
   */
  redirectFieldName?: string | null;
}

/**
 * Django's `redirect_to_login(next, login_url, redirect_field_name)`: the login URL with `next`
 * set in its query (other parameters kept, `/` left unescaped).
 *
 * @param next the page to come back to
 * @param loginUrl the login page
 * @param redirectFieldName the parameter name, or `null` for none
 * @returns the `Location`
 */
export function redirectToLogin(
  next: string,
  loginUrl: string,
  redirectFieldName: string | null = "next",
): string {
  const parts = splitUrl(loginUrl);
  let query = parts.query ?? "";
  if (redirectFieldName) {
    // QueryDict: the field replaces any existing one in place, or goes last.
    const fields = new Map<string, string[]>();
    for (const [name, value] of parseQuery(query)) {
      fields.set(name, [...fields.get(name) ?? [], value]);
    }
    fields.set(redirectFieldName, [next]);
    query = [...fields].flatMap(([name, values]) =>
      values.map((value) => `${quote(name, "/")}=${quote(value, "/")}`)
    ).join("&");
  }
  // urlunsplit
  let url = parts.path;
  if (
    parts.netloc ||
    (parts.scheme && /^(https?|ftp|wss?)$/.test(parts.scheme) && !url.startsWith("//"))
  ) {
    if (url && !url.startsWith("/")) url = "/" + url;
    url = "//" + parts.netloc + url;
  }
  if (parts.scheme) url = parts.scheme + ":" + url;
  if (query) url += "?" + query;
  if (parts.fragment !== undefined && parts.fragment !== "") url += "#" + parts.fragment;
  return url;
}

/**
 * Django's `request.get_full_path()`: the path as Django decodes and re-escapes it
 * (`escape_uri_path`), then the query as sent (`iri_to_uri`).
 */
function fullPath(url: URL): string {
  const path = quote(unquoteBytes(url.pathname), "/:@&+$,!~*'()");
  const query = url.search.slice(1);
  return query ? `${path}?${quote(query, "/#%[]=:;$&()+,!?*@'~")}` : path;
}

/**
 * Where `login_required` sends an anonymous visitor of `requestUrl`: `LOGIN_URL` with
 * `?next=<the page>` — only the path and query when the login page is on the same scheme and
 * host, the whole URL when it is elsewhere (a single sign-on host).
 *
 * @param requestUrl the URL of the request (`request.url`)
 * @param loginUrl the login page (`settings.LOGIN_URL`)
 * @param options the redirect field's name
 * @returns the `Location` value
 * @example
 * ```ts
 * import { loginRedirectUrl } from "@django-interop/session/auth";
 * loginRedirectUrl("http://shop.example/orders/?page=2", "/accounts/login/");
 * // "/accounts/login/?next=/orders/%3Fpage%3D2"
 * loginRedirectUrl("http://shop.example/orders/", "https://sso.example/login/");
 * // "https://sso.example/login/?next=http%3A//shop.example/orders/"
 * ```
 */
export function loginRedirectUrl(
  requestUrl: string,
  loginUrl: string,
  options: Pick<LoginUrlOptions, "redirectFieldName"> = {},
): string {
  const url = new URL(requestUrl);
  const login = splitUrl(loginUrl);
  const scheme = url.protocol.slice(0, -1);
  const sameSite = (!login.scheme || login.scheme === scheme) &&
    (!login.netloc || login.netloc === url.host);
  const next = sameSite ? fullPath(url) : `${scheme}://${url.host}${fullPath(url)}`;
  const field = options.redirectFieldName === undefined ? "next" : options.redirectFieldName;
  return redirectToLogin(next, loginUrl, field);
}
