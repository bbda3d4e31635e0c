/**
 * "Now" as the text a dialect binds for `expire_date > now`, formatted once a millisecond: every
 * read formats the clock for its select (1 µs of Node's time with `sqliteDateTime`), and a server
 * under load serves many reads within one millisecond, which a `Date` cannot tell apart anyway.
 *
 * @module
 */

/**
 * A function giving `format` of the current time, which formats it again only once the clock has
 * moved to another millisecond.
 *
 * @param format writes a moment as the database's text
 * @returns the current time's text
 * @example
 * ```ts
 * import { clockText } from "./clock_text.ts";
 * const now = clockText((date) => date.toISOString());
 * console.assert(now().endsWith("Z"));
 * ```
 */
export function clockText(format: (date: Date) => string): () => string {
  let millis = NaN;
  let text = "";
  return () => {
    const now = Date.now();
    if (now !== millis) {
      millis = now;
      text = format(new Date(now));
    }
    return text;
  };
}
