/**
 * The `Cookie` / `Set-Cookie` string layer, byte for byte as Django reads and writes it: strings in,
 * strings out, no `Request` or `Response`.
 *
 * Parsing follows `django.http.cookie.parse_cookie` rather than RFC 6265 §5.4 or the `cookie` npm
 * package, because Django is the reference: when a browser sends two cookies with the same name
 * (one per path), Django keeps the LAST one and `cookie` keeps the first, and only Django's choice
 * lets both sides of a shared session agree on which key is current. Speed is measured against
 * `cookie` in `bench/http_cookie.bench.ts`.
 *
 * Serialising follows Python's `http.cookies.Morsel.OutputString`: attributes sorted by their
 * lowercase name and values quoted with Python's `_quote`, which is what Django sends:
 * `sessionid=k2n3…; expires=Wed, 09 Dec 2026 20:18:42 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax`.
 *
 * @module
 */

/**
 * Python's `str.strip()` whitespace: wider than ASCII, narrower than JS `trim` (no U+FEFF). Checked
 * by char code, as a regular expression per chunk costs more than the rest of the parse.
 */
function isPythonSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) ||
    (c >= 0x85 && (c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000));
}

/** `text.slice(start, end).strip()` in Python terms. */
function strip(text: string, start: number, end: number): string {
  while (start < end && isPythonSpace(text.charCodeAt(start))) start++;
  while (end > start && isPythonSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Python's `http.cookies._unquote` escapes: `\ooo` octal (first digit 0–3) or `\x` for any x. */
const UNQUOTE = /\\(?:([0-3][0-7][0-7])|([^\n]))/g;

function unquote(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  return value.slice(1, -1).replace(
    UNQUOTE,
    (_, octal: string | undefined, char: string) =>
      octal ? String.fromCharCode(parseInt(octal, 8)) : char,
  );
}

/**
 * Parses a `Cookie` request header as Django's `parse_cookie` does: never throws, keeps the last
 * value of a repeated name, treats a chunk without `=` as a cookie with an empty name
 * (Mozilla bug 169091) and unquotes Python-style.
 *
 * @param header the `Cookie` header value (`""` or `null` when absent)
 * @returns cookie names mapped to their values
 * @example
 * ```ts
 * import { parseCookie } from "@django-interop/session/http";
 * parseCookie('sessionid=abc; sessionid=def; theme="da\\"rk"').get("sessionid"); // "def"
 * ```
 */
export function parseCookie(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  // The next "=" is found once per "=", not once per chunk: a huge header of chunks without "="
  // stays linear.
  let eq = header.indexOf("=");
  for (let start = 0; start <= header.length;) {
    let end = header.indexOf(";", start);
    if (end < 0) end = header.length;
    if (eq >= 0 && eq < start) eq = header.indexOf("=", start);
    const name = eq < 0 || eq > end ? "" : strip(header, start, eq);
    const value = strip(header, eq < 0 || eq > end ? start : eq + 1, end);
    if (name || value) cookies.set(name, unquote(value));
    start = end + 1;
  }
  return cookies;
}

/** The header {@linkcode requestCookie} parsed last, and what it held. */
const last = { header: "", cookies: new Map<string, string>() };

/**
 * One cookie of a request's `Cookie` header, as {@linkcode parseCookie} reads it. The session key,
 * the CSRF secret and the messages are read from the same header one after another: the header
 * parsed last is kept, so a request's header is parsed once, not once for each.
 *
 * @param header the `Cookie` header, or `null`
 * @param name the cookie's name
 * @returns its value, or `undefined`
 */
export function requestCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  if (header !== last.header) {
    last.cookies = parseCookie(header);
    last.header = header;
  }
  return last.cookies.get(name);
}

/** Attributes of a `Set-Cookie` header, named as in Django's `HttpResponse.set_cookie`. */
export interface CookieAttributes {
  /** `expires=` text (an HTTP date); omitted when absent or empty. */
  expires?: string;
  /** `Max-Age=` in whole seconds; omitted when absent. */
  maxAge?: number;
  /** `Domain=`; omitted when absent. */
  domain?: string;
  /** `Path=`; omitted when absent. */
  path?: string;
  /** `Secure` flag. */
  secure?: boolean;
  /** `HttpOnly` flag. */
  httpOnly?: boolean;
  /** `SameSite=` text as given (`Lax`, `Strict`, `None`); omitted when absent. */
  sameSite?: string;
}

/**
 * A cookie as Django's `response.set_cookie` holds it before writing the header: for frameworks
 * whose cookie API takes a name, a value and options rather than a `Set-Cookie` line (Next's
 * `cookies().set`).
 */
export interface DjangoCookie {
  /** The cookie's name. */
  name: string;
  /** The value, unquoted (Django quotes it when serialising; `""` for a deletion). */
  value: string;
  /** The attributes Django writes. */
  attributes: CookieAttributes;
}

/** Python's `http.cookies._LegalChars`: a value made only of these is sent unquoted. */
const LEGAL_VALUE = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;

/** Python's `_Translator`: control and Latin-1 high bytes as `\ooo`, plus `"` and `\`. */
function quote(value: string): string {
  if (LEGAL_VALUE.test(value)) return value;
  let out = '"';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === '"' || char === "\\") out += "\\" + char;
    else if (char === ";" || char === "," || code < 32 || (code >= 127 && code <= 255)) {
      out += "\\" + code.toString(8).padStart(3, "0");
    } else out += char;
  }
  return out + '"';
}

/**
 * Whether Python's `Morsel.set` (and so Django) accepts `name` as a cookie name: one or more of
 * `_LegalChars`.
 *
 * @param name the candidate name
 * @returns `true` when Django could send a cookie with that name
 * @example
 * ```ts
 * import { isLegalCookieName } from "@django-interop/session/http";
 * isLegalCookieName("sessionid"); // true
 * isLegalCookieName("my session"); // false
 * ```
 */
export function isLegalCookieName(name: string): boolean {
  return LEGAL_VALUE.test(name);
}

/**
 * Formats one `Set-Cookie` header value exactly as Django (Python's `Morsel.OutputString`) does:
 * `name=value` then the attributes in the order Domain, expires, HttpOnly, Max-Age, Path, SameSite,
 * Secure.
 *
 * @param name the cookie name (not checked here; see {@linkcode isLegalCookieName})
 * @param value the value, quoted Python-style when it holds characters outside `_LegalChars`
 * @param attributes the attributes to write
 * @returns the header value
 * @example
 * ```ts
 * import { serializeCookie } from "@django-interop/session/http";
 * serializeCookie("sessionid", "", { maxAge: 0, path: "/", sameSite: "Lax" });
 * // 'sessionid=""; Max-Age=0; Path=/; SameSite=Lax'
 * ```
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const { expires, maxAge, domain, path, secure, httpOnly, sameSite } = attributes;
  let out = `${name}=${quote(value)}`;
  if (domain) out += `; Domain=${domain}`;
  if (expires) out += `; expires=${expires}`;
  if (httpOnly) out += "; HttpOnly";
  if (maxAge !== undefined) out += `; Max-Age=${Math.trunc(maxAge)}`;
  if (path) out += `; Path=${path}`;
  if (sameSite) out += `; SameSite=${sameSite}`;
  if (secure) out += "; Secure";
  return out;
}

/**
 * Django's `http_date`: an RFC 7231 §7.1.1.1 IMF-fixdate, seconds truncated.
 *
 * @param epochSeconds seconds since the epoch
 * @returns e.g. `Thu, 01 Jan 1970 00:00:00 GMT`
 * @example
 * ```ts
 * import { httpDate } from "@django-interop/session/http";
 * httpDate(0); // "Thu, 01 Jan 1970 00:00:00 GMT"
 * ```
 */
export function httpDate(epochSeconds: number): string {
  return new Date(Math.floor(epochSeconds) * 1000).toUTCString();
}
