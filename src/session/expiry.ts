/**
 * Django's session expiry rules (`get_expiry_age`, `get_expiry_date`, `set_expiry` in
 * `django/contrib/sessions/backends/base.py`) as pure functions of the stored `_session_expiry`
 * value, the session settings and "now".
 *
 * `_session_expiry` holds either whole seconds (0 = until the browser closes) or, since Django 4.1,
 * an ISO-8601 datetime with its UTC offset, written by Python's `datetime.isoformat()` and read
 * with `datetime.fromisoformat()`: every string that accepts is read here, and one it refuses is an
 * error here as it is in Django, never a silent fall-back to `SESSION_COOKIE_AGE`.
 *
 * @module
 */

import { SessionUnreadable } from "../errors.ts";
import { fromIsoFormat } from "./fromisoformat.ts";
import { djangoAtLeast, type DjangoSettings } from "../settings/settings.ts";

/** The instants Python's `datetime` holds: 0001-01-01 to 9999-12-31 23:59:59.999999. */
const MIN_MILLIS = -62135596800000;
const MAX_MILLIS = 253402300799999;

/**
 * Whether `millis` is an instant Python's `datetime` (and so Django) can hold.
 *
 * @param millis epoch milliseconds
 * @returns true for years 1 to 9999
 */
export function isPythonInstant(millis: number): boolean {
  return millis >= MIN_MILLIS && millis <= MAX_MILLIS;
}

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
 * Parses an ISO datetime as Python 3.11+'s `datetime.fromisoformat` does (see `fromisoformat.ts`);
 * a value without an offset is read as UTC.
 *
 * @param value the stored string
 * @returns the instant, or null when Python would refuse `value`
 */
export function parseIsoDatetime(value: string): Date | null {
  const parsed = fromIsoFormat(value);
  return parsed && new Date(parsed.millis);
}

/**
 * What Django's `get_expiry_*` make of a stored `_session_expiry`: `null` for Python's falsy values
 * (no expiry of its own), else a string or a finite number of seconds (`True` is 1).
 */
function ownExpiry(expiry: unknown): string | number | null {
  if (expiry === undefined || expiry === null || expiry === false || expiry === 0) return null;
  if (expiry === true) return 1;
  if (typeof expiry === "string" || (typeof expiry === "number" && Number.isFinite(expiry))) {
    return expiry;
  }
  if (typeof expiry === "object" && Object.keys(expiry).length === 0) return null;
  throw new SessionUnreadable(`_session_expiry ${JSON.stringify(expiry)} is not seconds or a date`);
}

function parsedExpiry(expiry: string): Date {
  const date = parseIsoDatetime(expiry);
  if (date === null) {
    throw new SessionUnreadable(
      `_session_expiry ${JSON.stringify(expiry)} is not a datetime Python's fromisoformat reads`,
    );
  }
  return date;
}

/**
 * Django's `get_expiry_date()`: a string is the expiry itself (Python's `fromisoformat`); a number
 * of seconds (or nothing, or 0) counts from `now`, falling back to `SESSION_COOKIE_AGE`.
 *
 * @param expiry the stored `_session_expiry`
 * @param cookieAge `SESSION_COOKIE_AGE`
 * @param now the modification time
 * @returns when the session expires
 * @throws {SessionUnreadable} where Django raises: a string `fromisoformat` refuses, a value that
 *   is neither seconds nor a date, or a date outside years 1 to 9999
 */
export function expiryDate(expiry: unknown, cookieAge: number, now: Date): Date {
  const own = ownExpiry(expiry);
  if (typeof own === "string") return parsedExpiry(own);
  const millis = now.getTime() + (own ?? cookieAge) * 1000;
  if (!isPythonInstant(millis)) {
    throw new SessionUnreadable(`_session_expiry ${own} seconds from now is past year 9999`);
  }
  return new Date(millis);
}

/**
 * Django's `get_expiry_age()`: whole seconds until expiry, floored as `timedelta` arithmetic does.
 *
 * @param expiry the stored `_session_expiry`
 * @param cookieAge `SESSION_COOKIE_AGE`
 * @param now the modification time
 * @returns seconds until the session expires
 * @throws {SessionUnreadable} where Django raises (see {@linkcode expiryDate})
 */
export function expiryAge(expiry: unknown, cookieAge: number, now: Date): number {
  const own = ownExpiry(expiry);
  if (typeof own !== "string") return own ?? cookieAge;
  // Django's get_expiry_age tests truthiness first: "" means the cookie age there.
  if (own === "") return cookieAge;
  return Math.floor((parsedExpiry(own).getTime() - now.getTime()) / 1000);
}

/**
 * The form of a date in `_session_expiry` that the site's Django reads: ISO since 4.1, whose
 * `set_expiry` writes it so; seconds from now for 3.2, which cannot parse ISO.
 *
 * @param settings the settings, for their `djangoVersion`
 * @returns `"iso"` or `"seconds"`, for {@linkcode storedExpiry}
 */
export function expiryForm(settings: Pick<DjangoSettings, "djangoVersion">): "iso" | "seconds" {
  return djangoAtLeast(settings, "4.1") ? "iso" : "seconds";
}

/**
 * The `_session_expiry` value `setExpiry(value)` stores, in the form the site's Django reads.
 *
 * @param value seconds from now (floored), or the absolute expiry
 * @param form `"iso"` (Django 4.1+) or `"seconds"` (readable by Django 3.2), for dates
 * @param now the current time
 * @returns an ISO string, or whole seconds (never 0 for a date, which would mean "at browser close")
 * @throws {TypeError} when `value` is neither a number nor a Date
 * @throws {RangeError} for NaN, or an expiry outside years 1 to 9999 (Python's `datetime` range:
 *   Django could not compute the expiry date either)
 */
export function storedExpiry(
  value: number | Date,
  form: "iso" | "seconds",
  now: Date,
): string | number {
  if (typeof value !== "number" && !(value instanceof Date)) {
    throw new TypeError(`setExpiry takes seconds, a Date or null, not ${typeof value}`);
  }
  const millis = value instanceof Date ? value.getTime() : now.getTime() + value * 1000;
  if (!isPythonInstant(millis)) {
    throw new RangeError(`setExpiry(${String(value)}) is not an instant in years 1 to 9999`);
  }
  if (typeof value === "number") return Math.floor(value);
  if (form === "iso") return pythonIsoFormat(value);
  const seconds = Math.floor((value.getTime() - now.getTime()) / 1000);
  return seconds === 0 ? -1 : seconds;
}
