/**
 * The two URL helpers Django's CSRF checks lean on, with Python's behaviour rather than WHATWG's
 * (the failure reasons quote the URL as Python rebuilds it, and Python refuses URLs `new URL`
 * accepts and the other way round): `urllib.parse.urlsplit` / `geturl` (CPython 3.11) and
 * `django.utils.http.is_same_domain`.
 *
 * @module
 */

/** Python's `SplitResult`, without `path` parsing beyond what `geturl()` needs. */
export interface SplitUrl {
  /** Lowercased scheme, or `""`. */
  scheme: string;
  /** `host[:port]` as written (Python keeps its case), or `""`. */
  netloc: string;
  path: string;
  query: string;
  fragment: string;
}

const SCHEME_CHARS = /^[a-zA-Z][a-zA-Z0-9+.-]*$/;
// Python removes these anywhere (bpo-43882).
const REMOVED = /[\t\r\n]/g;

/** Python's `url.lstrip(_WHATWG_C0_CONTROL_OR_SPACE)`: code points up to U+0020 in front. */
function stripLeading(url: string): string {
  let i = 0;
  while (i < url.length && url.charCodeAt(i) <= 0x20) i++;
  return url.slice(i);
}

/**
 * Python's `urlsplit(url)`, or `null` where Python raises `ValueError` (unbalanced or invalid
 * brackets in the host, a non-ASCII host that NFKC-normalises into URL syntax).
 *
 * @param url the URL
 * @returns its parts, or `null`
 */
export function urlSplit(url: string): SplitUrl | null {
  let rest = stripLeading(url).replace(REMOVED, "");
  let scheme = "", netloc = "", query = "", fragment = "";
  const colon = rest.indexOf(":");
  if (colon > 0 && SCHEME_CHARS.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end < 0 ? "" : rest.slice(end + 2);
    if (!bracketsValid(netloc) || !netlocNormalises(netloc)) return null;
  }
  const hash = rest.indexOf("#");
  if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  const mark = rest.indexOf("?");
  if (mark >= 0) [rest, query] = [rest.slice(0, mark), rest.slice(mark + 1)];
  return { scheme, netloc, path: rest, query, fragment };
}

/**
 * Python's `SplitResult.geturl()` (`urlunsplit`), for a URL with a netloc.
 *
 * @param url the parts
 * @returns the URL as Python writes it back
 */
export function urlUnsplit({ scheme, netloc, path, query, fragment }: SplitUrl): string {
  let out = `//${netloc}${path && !path.startsWith("/") ? "/" : ""}${path}`;
  if (scheme) out = `${scheme}:${out}`;
  if (query) out += `?${query}`;
  if (fragment) out += `#${fragment}`;
  return out;
}

function bracketsValid(netloc: string): boolean {
  const open = netloc.includes("["), close = netloc.includes("]");
  if (open !== close) return false;
  if (!open) return true;
  const host = netloc.slice(netloc.indexOf("[") + 1).split("]")[0];
  // Python 3.11.4+'s _check_bracketed_host: IPvFuture, or an address `ipaddress` reads as IPv6.
  return host.startsWith("v") ? /^v[a-fA-F0-9]+\..+$/.test(host) : isIPv6(host);
}

function isIPv6(host: string): boolean {
  const [address, zone] = host.split("%", 2);
  if (zone === "" || !/^[0-9a-fA-F:.]+$/.test(address)) return false;
  const halves = address.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => half === "" ? [] : half.split(":"));
  const last = groups.at(-1) ?? "";
  const v4 = last.includes(".");
  if (
    v4 && !/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(last)
  ) {
    return false;
  }
  const hex = v4 ? groups.slice(0, -1) : groups;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hex.length + (v4 ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

/** Python's `_checknetloc`: NFKC must not turn a non-ASCII host into one with URL syntax. */
function netlocNormalises(netloc: string): boolean {
  if (![...netloc].some((c) => c.charCodeAt(0) > 0x7f)) return true;
  const bare = netloc.replace(/[@:#?]/g, "");
  const normal = bare.normalize("NFKC");
  return bare === normal || !/[/?#@:]/.test(normal);
}

/**
 * Django's `is_same_domain(host, pattern)`: `pattern` matches exactly, or, starting with a dot,
 * matches the domain and every subdomain. Only the pattern is lowercased, as in Django.
 *
 * @param host the `host[:port]` to test
 * @param pattern the allowed host, e.g. `.example.com`
 * @returns whether it matches
 */
export function isSameDomain(host: string, pattern: string): boolean {
  if (!pattern) return false;
  const p = pattern.toLowerCase();
  return (p[0] === "." && (host.endsWith(p) || host === p.slice(1))) || p === host;
}
