/**
 * A bounded memory of `session_data` texts whose signature already verified, and what they decoded
 * to. Decoding is a pure function of the text (and the store's fixed keys and salt), so a text seen
 * before needs no second HMAC: a returning user's unchanged session costs one query and no crypto.
 * This matters most on Node, where each Web Crypto call hops to the thread pool (~0.1 ms).
 *
 * @module
 */

import type { SessionData } from "../session/store.ts";

/**
 * Least-recently-used texts, bounded by their total length; each hit returns a fresh copy, so
 * callers may mutate what they get.
 */
export class VerifiedCache {
  #entries = new Map<string, SessionData>();
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
    const data = this.#entries.get(text);
    if (data === undefined) return undefined;
    this.#entries.delete(text);
    this.#entries.set(text, data);
    return structuredClone(data);
  }

  /**
   * Remembers that `text` verified and decoded to `data` (copied), evicting the oldest entries.
   *
   * @param text the stored `session_data`
   * @param data what it decoded to
   */
  set(text: string, data: SessionData): void {
    if (text.length > this.#limit / 4 || this.#entries.has(text)) return;
    this.#entries.set(text, structuredClone(data));
    this.#chars += text.length;
    for (const oldest of this.#entries.keys()) {
      if (this.#chars <= this.#limit) break;
      this.#entries.delete(oldest);
      this.#chars -= oldest.length;
    }
  }
}
