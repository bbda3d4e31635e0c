/**
 * Python 3.11+'s `datetime.fromisoformat` (the C implementation Django runs on), for the
 * `_session_expiry` strings Django reads: `isoformat()` output, but also what other writers put there
 * (Go's nine fractional digits, `Z`, basic `20261125T201749`, ISO week dates, `,` fractions, offsets
 * with seconds). Checked string by string against `/usr/bin/python3` in `tests/interop/session/expiry_iso.test.ts`,
 * quirks included: the fraction may follow the seconds after `:` as well as `.`, and digits past the
 * sixth are dropped, not rounded.
 *
 * @module
 */

/** A parsed datetime: epoch milliseconds (microseconds floored) and whether it had no offset. */
export interface PythonDatetime {
  /** Milliseconds since the epoch; a naive value is read as UTC. */
  millis: number;
  /** True when the string had no UTC offset (Python's naive datetime). */
  naive: boolean;
}

/** Raised internally on anything Python rejects; callers see `null`. */
const INVALID = Symbol("invalid");

/** The string with C's NUL terminator: reading past the end gives "\0", as in CPython. */
class Cursor {
  constructor(readonly text: string) {}
  at(i: number): string {
    return i < this.text.length ? this.text[i] : "\0";
  }
  /** CPython's `parse_digits`: exactly `n` ASCII digits at `i`. */
  digits(i: number, n: number): number {
    let value = 0;
    for (let k = 0; k < n; k++) {
      const d = this.at(i + k).charCodeAt(0) - 48;
      if (d < 0 || d > 9) throw INVALID;
      value = value * 10 + d;
    }
    return value;
  }
}

/** Anything outside ASCII (U+0080 and up). */
const NON_ASCII = /[\u0080-\uffff]/;

const isDigit = (c: string) => c >= "0" && c <= "9";

/** CPython's `_find_isoformat_datetime_separator` (lengths 7, 8 or 10 for the date). */
function separatorAt(s: string): number {
  if (s.length === 7) return 7;
  if (s[4] === "-") {
    if (s[5] !== "W") return 10;
    if (s.length > 8 && s[8] === "-") {
      if (s.length === 9) throw INVALID;
      return s.length > 10 && isDigit(s[10]) ? 8 : 10;
    }
    return 8;
  }
  if (s[4] !== "W") return 8;
  let i = 7;
  while (i < s.length && isDigit(s[i])) i++;
  if (i < 9) return i;
  return i % 2 === 0 ? 7 : 8;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`). */
function epochDay(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const weekday = (day: number) => ((day + 3) % 7 + 7) % 7; // 0 = Monday

function monthDays(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** CPython's `parse_isoformat_date`, to a day number; it reads past `end` as C does. */
function parseDate(c: Cursor, end: number): number {
  const year = c.digits(0, 4);
  const dash = c.at(4) === "-";
  let p = dash ? 5 : 4;
  if (c.at(p) === "W") {
    const week = c.digits(p + 1, 2);
    p += 3;
    let day = 1;
    if (p < end) {
      if (dash && c.at(p++) !== "-") throw INVALID;
      day = c.digits(p, 1);
    }
    const first = weekday(epochDay(year, 1, 1));
    if (week < 1 || week > 53 || (week === 53 && !(first === 3 || (first === 2 && isLeap(year))))) {
      throw INVALID;
    }
    if (day < 1 || day > 7) throw INVALID;
    const jan4 = epochDay(year, 1, 4);
    const result = jan4 - weekday(jan4) + (week - 1) * 7 + day - 1;
    // The date itself must be in datetime's range (0001-01-01 to 9999-12-31).
    if (result < epochDay(1, 1, 1) || result > epochDay(9999, 12, 31)) throw INVALID;
    return result;
  }
  const month = c.digits(p, 2);
  p += 2;
  if (dash && c.at(p++) !== "-") throw INVALID;
  const day = c.digits(p, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > monthDays(year, month)) {
    throw INVALID;
  }
  return epochDay(year, month, day);
}

/** CPython's `parse_hh_mm_ss_ff` over `[start, end)`: [h, m, s, µs, trailing-garbage flag]. */
function parseClock(
  c: Cursor,
  start: number,
  end: number,
): [number, number, number, number, boolean] {
  const parts = [0, 0, 0];
  let p = start;
  let colons = true;
  for (let i = 0; i < 3; i++) {
    parts[i] = c.digits(p, 2);
    p += 2;
    const next = c.at(p++);
    if (i === 0) colons = next === ":";
    if (p >= end) return [parts[0], parts[1], parts[2], 0, next !== "\0"];
    if (colons && next === ":") continue;
    if (next === "." || next === ",") break;
    if (colons) throw INVALID;
    p--;
  }
  // CPython reads a fraction here even without "." (after a third ":", or straight after SS).
  const count = Math.min(end - p, 6);
  if (count <= 0) throw INVALID;
  const micros = c.digits(p, count) * 10 ** (6 - count);
  p += count;
  while (isDigit(c.at(p))) p++;
  return [parts[0], parts[1], parts[2], micros, c.at(p) !== "\0"];
}

/**
 * CPython's `_sanitize_isoformat_str` and UTF-8 step: the first non-ASCII character at code point
 * 7, 8 or 10 may be the separator and is read as "T"; CPython then parses UTF-8 bytes, so any other
 * non-ASCII character stands for as many bytes that are neither digits nor separators (here "~"),
 * and a lone surrogate, which has no UTF-8, makes the string invalid.
 */
function sanitized(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  const points = [...s];
  if (points.length < 7) throw INVALID;
  const at = [7, 8, 10].find((i) => i < points.length && points[i].codePointAt(0)! > 0x7f);
  if (at !== undefined) points[at] = "T";
  return points.map((point) => {
    const code = point.codePointAt(0)!;
    if (code < 0x80) return point;
    if (code >= 0xd800 && code <= 0xdfff) throw INVALID;
    return "~".repeat(code < 0x800 ? 2 : code < 0x10000 ? 3 : 4);
  }).join("");
}

function parse(s: string): PythonDatetime {
  if (s.length < 7) throw INVALID;
  s = sanitized(s);
  const c = new Cursor(s);
  const sep = separatorAt(s);
  let millis = parseDate(c, sep) * 86_400_000;
  if (s.length <= sep) return { millis, naive: true };
  let tz = sep + 1;
  while (tz < s.length && !"Z+-".includes(s[tz])) tz++;
  const [h, m, sec, micros, rest] = parseClock(c, sep + 1, tz);
  if (h > 23 || m > 59 || sec > 59) throw INVALID;
  millis += ((h * 60 + m) * 60 + sec) * 1000;
  if (tz >= s.length) {
    if (rest) throw INVALID;
    return { millis: millis + Math.floor(micros / 1000), naive: true };
  }
  let offsetMicros = 0;
  if (s[tz] === "Z") {
    if (tz + 1 !== s.length) throw INVALID;
  } else {
    const sign = s[tz] === "-" ? -1 : 1;
    const [oh, om, os, ous, junk] = parseClock(c, tz + 1, s.length);
    if (junk) throw INVALID;
    const seconds = (oh * 60 + om) * 60 + os;
    // CPython takes an offset of zero whole seconds as UTC, whatever its microseconds say.
    offsetMicros = seconds === 0 ? 0 : sign * (seconds * 1e6 + ous);
    if (Math.abs(offsetMicros) >= 86_400e6) throw INVALID;
  }
  return { millis: millis + Math.floor((micros - offsetMicros) / 1000), naive: false };
}

/**
 * Parses `value` as Python 3.11+'s `datetime.fromisoformat` does.
 *
 * @param value the string
 * @returns the instant and whether it was naive, or `null` where Python raises `ValueError`
 */
export function fromIsoFormat(value: string): PythonDatetime | null {
  try {
    return parse(value);
  } catch (error) {
    if (error === INVALID) return null;
    throw error;
  }
}
