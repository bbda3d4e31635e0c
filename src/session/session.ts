/**
 * One user's session with the semantics of Django's `SessionBase`: lazy loading, a dict-like API, the
 * `accessed` / `modified` flags a middleware reads, expiry and key rotation. A `Session` holds a
 * {@linkcode SessionStore}; it never knows which database (or cookie) is behind it.
 *
 * @module
 */

import { SessionNotLoaded } from "../errors.ts";
import { type DjangoSettings, resolveSettings, type Settings } from "../settings/settings.ts";
import { expiryAge, expiryDate, expiryForm, storedExpiry } from "./expiry.ts";
import { put, type SessionData, type SessionStore } from "./store.ts";

/** Django's `TEST_COOKIE_NAME` / `TEST_COOKIE_VALUE`. */
const TEST_COOKIE = "testcookie";
const TEST_COOKIE_VALUE = "worked";
const EXPIRY = "_session_expiry";

/** Options of {@linkcode Session.save}. */
export interface SaveOptions {
  /** Write even when nothing changed (Django's `SESSION_SAVE_EVERY_REQUEST`). @default {false} */
  force?: boolean;
}

/**
 * A session: `await load()` once, then read and write it like a `Map`, then `await save()`.
 * Sync data methods called before `load()` throw {@linkcode SessionNotLoaded}; `save`, `flush` and
 * `cycleKey` load by themselves when needed.
 *
 * @typeParam T the shape of the session data
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite";
 * import { createSessionTable, PostgresBackend } from "@django-interop/session/postgres";
 * const db = new PGlite();
 * await createSessionTable(db);
 * const backend = new PostgresBackend<{ visits: number }>(db, { SECRET_KEY: "django-insecure-key" });
 * const session = await backend.getSession(null).load(); // a cookie's value, or null
 * session.set("visits", (session.get("visits") ?? 0) + 1);
 * if (await session.save()) console.log("Set-Cookie: sessionid=" + session.key);
 * console.log((await backend.getSession(session.key).load()).get("visits")); // 1
 * ```
 */
export class Session<T extends SessionData = SessionData> {
  /** True once the data was read or written (Django's `accessed`: the response varies on Cookie). */
  accessed = false;
  /** True once the data changed (Django's `modified`: the session must be saved). */
  modified = false;

  #store: SessionStore;
  /** The settings this session follows (`SESSION_COOKIE_AGE`, `SECRET_KEY`, …). */
  readonly settings: DjangoSettings;
  #key: string | null;
  #data: T | null = null;
  #loading: Promise<this> | null = null;
  /** A key `cycleKey` replaced but could not delete yet: deleted before the next write. */
  #retired: string | null = null;

  /**
   * Creates a lazy session; nothing is read until {@linkcode Session.load}.
   *
   * @param store where the session lives
   * @param key the key from the cookie; fewer than 8 characters means none (Django's rule)
   * @param settings Django's settings, from `djangoSettings`
   */
  constructor(store: SessionStore, key: string | null, settings: Settings) {
    this.#store = store;
    this.#key = typeof key === "string" && key.length >= 8 ? key : null;
    this.settings = resolveSettings(settings);
  }

  /** The session key: null for a new session, and after loading a missing, expired or bad key. */
  get key(): string | null {
    return this.#key;
  }

  /** Whether the data has been loaded (or replaced by `clear()`). */
  get loaded(): boolean {
    return this.#data !== null;
  }

  /** Django's `is_empty()`: no key and no data (a session never loaded with no key is empty). */
  get isEmpty(): boolean {
    return this.#key === null && (this.#data === null || Object.keys(this.#data).length === 0);
  }

  /**
   * Loads the data once; later and concurrent calls share the same query.
   *
   * @returns this session
   * @throws {StoreUnavailable} when the store fails (a later call tries again)
   */
  load(): Promise<this> {
    if (this.#data !== null) return Promise.resolve(this);
    if (this.#loading) return this.#loading;
    if (this.#key === null) {
      this.#data = {} as T;
      return Promise.resolve(this);
    }
    return this.#loading = this.#fetch(this.#key);
  }

  async #fetch(key: string): Promise<this> {
    let data: SessionData | null;
    try {
      data = await this.#store.load(key);
    } finally {
      this.#loading = null;
    }
    if (data === null) this.#key = null;
    // clear() during the query wins, as it replaces the data without reading it.
    this.#data ??= (data ?? {}) as T;
    return this;
  }

  /** When `data` expires if saved now (Django recomputes `expire_date` on every save). */
  #expireDate(data: Record<string, unknown>): Date {
    return expiryDate(data[EXPIRY], this.settings.SESSION_COOKIE_AGE, new Date());
  }

  #read(method: string): Record<string, unknown> {
    if (this.#data === null) throw new SessionNotLoaded(method);
    this.accessed = true;
    return this.#data;
  }

  /**
   * The value under `key` (marks the session accessed).
   *
   * @param key the data key
   * @param fallback what to return when `key` is absent
   * @returns the value, or `fallback`
   * @throws {SessionNotLoaded} before `load()`
   */
  get<K extends keyof T & string>(key: K, fallback?: T[K]): T[K] | undefined {
    const data = this.#read("get");
    return Object.hasOwn(data, key) ? data[key] as T[K] : fallback;
  }

  /**
   * Stores `value` under `key` (marks the session modified).
   *
   * @param key the data key
   * @param value any JSON-serialisable value
   * @returns this session
   * @throws {SessionNotLoaded} before `load()`
   */
  set<K extends keyof T & string>(key: K, value: T[K]): this {
    put(this.#read("set"), key, value);
    this.modified = true;
    return this;
  }

  /**
   * Whether `key` is present.
   *
   * @param key the data key
   * @returns true when present
   * @throws {SessionNotLoaded} before `load()`
   */
  has(key: keyof T & string): boolean {
    return Object.hasOwn(this.#read("has"), key);
  }

  /**
   * Removes `key`; marks the session modified only when it was present (as `del` does in Django).
   *
   * @param key the data key
   * @returns true when it was present
   * @throws {SessionNotLoaded} before `load()`
   */
  delete(key: keyof T & string): boolean {
    const data = this.#read("delete");
    if (!Object.hasOwn(data, key)) return false;
    delete data[key];
    this.modified = true;
    return true;
  }

  /**
   * Removes `key` and returns its value (Django's `pop`).
   *
   * @param key the data key
   * @param fallback what to return when `key` is absent
   * @returns the removed value, or `fallback`
   * @throws {SessionNotLoaded} before `load()`
   */
  pop<K extends keyof T & string>(key: K, fallback?: T[K]): T[K] | undefined {
    const value = this.get(key, fallback);
    this.delete(key);
    return value;
  }

  /**
   * Returns the value under `key`, storing `value` first when absent (Django's `setdefault`).
   *
   * @param key the data key
   * @param value the value to store when `key` is absent
   * @returns the value now under `key`
   * @throws {SessionNotLoaded} before `load()`
   */
  setDefault<K extends keyof T & string>(key: K, value: T[K]): T[K] {
    if (this.has(key)) return this.get(key) as T[K];
    this.set(key, value);
    return value;
  }

  /**
   * Copies every entry of `values` in (marks the session modified, even for `{}`, as Django does).
   *
   * @param values the entries to store
   * @throws {SessionNotLoaded} before `load()`
   */
  update(values: Partial<T>): void {
    const data = this.#read("update");
    for (const [key, value] of Object.entries(values)) put(data, key, value);
    this.modified = true;
  }

  /** Empties the session without loading it first (Django's `clear()`); marks it accessed and modified. */
  clear(): void {
    this.#data = {} as T;
    this.accessed = true;
    this.modified = true;
  }

  /**
   * The data keys.
   *
   * @returns a snapshot of the keys
   * @throws {SessionNotLoaded} before `load()`
   */
  keys(): (keyof T & string)[] {
    return Object.keys(this.#read("keys"));
  }

  /**
   * The data values.
   *
   * @returns a snapshot of the values
   * @throws {SessionNotLoaded} before `load()`
   */
  values(): T[keyof T][] {
    return Object.values(this.#read("values")) as T[keyof T][];
  }

  /**
   * The data entries.
   *
   * @returns a snapshot of `[key, value]` pairs
   * @throws {SessionNotLoaded} before `load()`
   */
  entries(): [keyof T & string, T[keyof T]][] {
    return Object.entries(this.#read("entries")) as [keyof T & string, T[keyof T]][];
  }

  /** Stores Django's test cookie marker (`testcookie = "worked"`). */
  setTestCookie(): void {
    this.#read("setTestCookie")[TEST_COOKIE] = TEST_COOKIE_VALUE;
    this.modified = true;
  }

  /**
   * Whether the test cookie marker came back.
   *
   * @returns true when `testcookie` is `"worked"`
   */
  testCookieWorked(): boolean {
    return this.#read("testCookieWorked")[TEST_COOKIE] === TEST_COOKIE_VALUE;
  }

  /** Removes the test cookie marker. */
  deleteTestCookie(): void {
    this.delete(TEST_COOKIE as keyof T & string);
  }

  /**
   * Sets this session's own expiry (Django's `set_expiry`): seconds of inactivity (0 = when the
   * browser closes), an absolute `Date`, or null to return to the settings' policy.
   *
   * @param value seconds, a date, or null
   * @throws {SessionNotLoaded} before `load()`
   * @throws {TypeError} for anything else
   * @throws {RangeError} for NaN, or an expiry outside years 1 to 9999 (Python's `datetime`
   *   range: Django could not compute its expiry date either)
   */
  setExpiry(value: number | Date | null): void {
    if (value === null) {
      this.delete(EXPIRY as keyof T & string);
      return;
    }
    const form = expiryForm(this.settings);
    this.#read("setExpiry")[EXPIRY] = storedExpiry(value, form, new Date());
    this.modified = true;
  }

  /**
   * Seconds until this session expires, from now (Django's `get_expiry_age`).
   *
   * @returns whole seconds
   * @throws {SessionNotLoaded} before `load()`
   */
  getExpiryAge(): number {
    return expiryAge(
      this.#read("getExpiryAge")[EXPIRY],
      this.settings.SESSION_COOKIE_AGE,
      new Date(),
    );
  }

  /**
   * When this session expires if saved now (Django's `get_expiry_date`).
   *
   * @returns the expiry instant
   * @throws {SessionNotLoaded} before `load()`
   */
  getExpiryDate(): Date {
    return this.#expireDate(this.#read("getExpiryDate"));
  }

  /**
   * Whether the cookie should end with the browser (Django's `get_expire_at_browser_close`).
   *
   * @returns true for an expiry of 0, or no expiry and `SESSION_EXPIRE_AT_BROWSER_CLOSE`
   * @throws {SessionNotLoaded} before `load()`
   */
  getExpireAtBrowserClose(): boolean {
    const expiry = this.#read("getExpireAtBrowserClose")[EXPIRY];
    return expiry === undefined || expiry === null
      ? this.settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
      : expiry === 0;
  }

  /**
   * Writes the session when it changed (or `force`); `expire_date` is recomputed on every write.
   * A new session gets its key here.
   *
   * @param options `force` to write an unchanged session, even a new empty one (as Django's
   *   `save()` creates its row)
   * @returns true when it wrote; false when unchanged, or a new session is empty and not forced
   * @throws {SessionInterrupted} when the row was deleted since it was loaded
   * @throws {StoreUnavailable} when the store fails
   */
  async save(options: SaveOptions = {}): Promise<boolean> {
    if (!this.modified && !options.force) return false;
    const data = (await this.load()).#data!;
    await this.#deleteRetired();
    if (this.isEmpty && !options.force) return false;
    this.#key = this.#key === null
      ? await this.#store.create(data, this.#expireDate(data))
      : await this.#store.update(this.#key, data, this.#expireDate(data));
    this.modified = false;
    return true;
  }

  /**
   * Keeps the data under a new key and deletes the old row (Django's `cycle_key`, used at login
   * against session fixation). The session stays modified, so the new key reaches the cookie. When
   * deleting the old row fails, the next `save`, `flush` or `cycleKey` deletes it first.
   *
   * @throws {StoreUnavailable} when the store fails
   */
  async cycleKey(): Promise<void> {
    const data = (await this.load()).#read("cycleKey");
    await this.#deleteRetired();
    const old = this.#key;
    this.#key = await this.#store.create(data, this.#expireDate(data));
    this.modified = true;
    this.#retired = old;
    await this.#deleteRetired();
  }

  /** Deletes the key a failed `cycleKey` left behind, so a retry never forgets the old row. */
  async #deleteRetired(): Promise<void> {
    if (this.#retired === null) return;
    await this.#store.delete(this.#retired);
    this.#retired = null;
  }

  /**
   * Empties the session, deletes its row and drops the key (Django's `flush`, used at logout).
   * When the store fails the key is kept, so calling it again retries the delete.
   *
   * @throws {StoreUnavailable} when the store fails
   */
  async flush(): Promise<void> {
    this.clear();
    await this.#deleteRetired();
    // The key is dropped only once its row is gone: a failed flush can be called again.
    if (this.#key !== null) await this.#store.delete(this.#key);
    this.#key = null;
  }
}
