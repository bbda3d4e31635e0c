/**
 * Django's session expiry rules (`get_expiry_age`, `get_expiry_date`, `set_expiry` in
 * `django/contrib/sessions/backends/base.py`) as pure functions of the stored `_session_expiry`
 * value, the session settings and "now".
 *
 * `_session_expiry` holds either whole seconds (0 = until the browser closes) or, since Django 4.1,
 * an ISO-8601 datetime with its UTC offset, written by Python's `datetime.isoformat()`.
 *
 * @module
 */

/** Python's `datetime.fromisoformat` forms that Django writes (and a `Z` suffix). */
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Formats `date` as Python's `datetime.isoformat()` does for an aware UTC datetime: microseconds
 * only when there are any, and `+00:00` rather than `Z`.
 *
 * @param date the instant to format
 * @returns e.g. `2026-11-25T20:17:49.143000+00:00`
 */
export function pythonIsoFormat(date: Date): string {
  const [whole, millis] = date.toISOString().slice(0, -1).split(".");
  return (millis === "000" ? whole : `${whole}.${millis}000`) + "+00:00";
}

/**
 * Parses an ISO datetime as written by Python; a value without an offset is read as UTC.
 *
 * @param value the stored string
 * @returns the instant, or null when `value` is not such a datetime
 */
export function parseIsoDatetime(value: string): Date | null {
  const m = ISO_DATETIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone = "Z"] = m;
  const millis = Math.floor(Number(frac.padEnd(6, "0")) / 1000);
  let utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, millis);
  if (zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    utc -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(utc) ? null : new Date(utc);
}

/**
 * Django's `get_expiry_date()`: an ISO datetime is the expiry itself; a number of seconds (or
 * nothing, or 0) counts from `now`, falling back to `SESSION_COOKIE_AGE`.
 *
 * @param expiry the stored `_session_expiry`
 * @param cookieAge `SESSION_COOKIE_AGE`
 * @param now the modification time
 * @returns when the session expires
 */
export function expiryDate(expiry: unknown, cookieAge: number, now: Date): Date {
  if (typeof expiry === "string") {
    const date = parseIsoDatetime(expiry);
    if (date) return date;
  }
  const seconds = typeof expiry === "number" && expiry ? expiry : cookieAge;
  return new Date(now.getTime() + seconds * 1000);
}

/**
 * Django's `get_expiry_age()`: whole seconds until expiry, floored as `timedelta` arithmetic does.
 *
 * @param expiry the stored `_session_expiry`
 * @param cookieAge `SESSION_COOKIE_AGE`
 * @param now the modification time
 * @returns seconds until the session expires
 */
export function expiryAge(expiry: unknown, cookieAge: number, now: Date): number {
  if (typeof expiry === "number" && expiry) return expiry;
  const date = typeof expiry === "string" ? parseIsoDatetime(expiry) : null;
  return date ? Math.floor((date.getTime() - now.getTime()) / 1000) : cookieAge;
}

/**
 * The `_session_expiry` value `setExpiry(date)` stores in the form the site's Django reads.
 *
 * @param date the absolute expiry
 * @param form `"iso"` (Django 4.1+) or `"seconds"` (readable by Django 3.2)
 * @param now the current time
 * @returns an ISO string, or whole seconds (never 0, which would mean "at browser close")
 */
export function storedExpiry(date: Date, form: "iso" | "seconds", now: Date): string | number {
  if (form === "iso") return pythonIsoFormat(date);
  const seconds = Math.floor((date.getTime() - now.getTime()) / 1000);
  return seconds === 0 ? -1 : seconds;
}
