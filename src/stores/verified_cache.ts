/**
 * A bounded memory of `session_data` texts whose signature already verified, and what they decoded
 * to. Decoding is a pure function of the text (and the store's fixed keys and salt), so a text seen
 * before needs no second HMAC: a returning user's unchanged session costs one query and no crypto.
 * A copy is one `JSON.parse`, cheaper than the HMAC, inflate and parse of a full decode.
 *
 * @module
 */

import type { SessionData } from "../session/store.ts";
import { parsePythonJson, pythonJsonDumps } from "../signing/json.ts";

/**
 * Least-recently-used texts, bounded by their total length plus their data's JSON (one entry takes
 * at most a quarter of the limit); each hit returns a fresh copy, so callers may mutate it.
 */
export class VerifiedCache {
  // Data kept as JSON text: parsing it is the cheapest fresh copy (3-15x structuredClone's cost).
  #entries = new Map<string, string>();
  #chars = 0;
  #limit: number;

  /**
   * Creates the cache.
   *
   * @param limit the most characters of `session_data` kept (0 disables the cache)
   */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * The decoded data of a text verified before, as a copy.
   *
   * @param text the stored `session_data`
   * @returns a copy of its data, or undefined when not cached
   */
  get(text: string): SessionData | undefined {
    const json = this.#entries.get(text);
    if (json === undefined) return undefined;
    this.#entries.delete(text);
    this.#entries.set(text, json);
    return parsePythonJson(json) as SessionData;
  }

  /**
   * Remembers that `text` verified and decoded to `data` (copied), evicting the oldest entries.
   *
   * @param text the stored `session_data`
   * @param data what it decoded to
   */
  set(text: string, data: SessionData): void {
    if (this.#entries.has(text)) return;
    // Python's JSON, not JSON.stringify: NaN and Infinity must come back as themselves.
    const json = pythonJsonDumps(data);
    // A compressed text can stand for far more JSON: both count against the limit.
    if (text.length + json.length > this.#limit / 4) return;
    this.#entries.set(text, json);
    this.#chars += text.length + json.length;
    for (const [oldest, oldJson] of this.#entries) {
      if (this.#chars <= this.#limit) break;
      this.#entries.delete(oldest);
      this.#chars -= oldest.length + oldJson.length;
    }
  }
}
