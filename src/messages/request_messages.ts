/**
 * The messages of one request, as Django's `request._messages` (`BaseStorage`): `add` queues,
 * `list` is Django's iteration (what it returns is consumed: gone on the next request unless added
 * again), and `commit` is `MessageMiddleware.process_response` (`storage.update(response)`).
 *
 * @module
 */
import { requestCookie } from "../primitives/cookie.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { type DjangoSettings, resolveSettings, type Settings } from "../settings/settings.ts";
import {
  DEBUG,
  ERROR,
  INFO,
  type Message,
  type StoredMessage,
  SUCCESS,
  WARNING,
  withTags,
} from "./message.ts";
import {
  cookieDeletionsOnly,
  cookieStorage,
  fallbackStorage,
  sessionStorage,
  type Storage,
  storageKind,
} from "./storages.ts";

/** Where a storage hands its `Set-Cookie` values and its "used" flag. */
export interface MessageSink {
  /** Receives one `Set-Cookie` value. */
  setCookie(header: string): void;
  /** Marks the request's storage used (Django's cookie storage, on an unreadable cookie). */
  markUsed(): void;
}

/** Options of `add` and its level shortcuts. */
export interface AddOptions {
  /**
   * Django's `extra_tags`: CSS classes shown before the level's tag.
   *
   * @default ""
   */
  extraTags?: string;
  /**
   * Marks the text as Django's `SafeString` (`mark_safe`): Django's templates will not escape it.
   *
   * @default false
   */
  safe?: boolean;
}

/**
 * One request's messages in the storage `MESSAGE_STORAGE` names. Make it with
 * {@linkcode requestMessages}; `withSession` and the Hono middleware hand one out as `messages`.
 *
 * @example
 * ```ts
 * import { requestMessages, SUCCESS } from "@django-interop/session/messages";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const first = requestMessages(backend.getSession(null), null);
 * first.add(SUCCESS, "Profile saved");
 * const [cookie] = await first.commit(); // messages=…; HttpOnly; Path=/; SameSite=Lax
 *
 * const next = requestMessages(backend.getSession(null), cookie.split(";")[0]);
 * console.log((await next.list()).map((m) => `${m.tags}: ${m.message}`)); // [ "success: Profile saved" ]
 * ```
 */
export class RequestMessages {
  readonly #open: (sink: MessageSink) => Storage;
  #storage: Storage | undefined;
  readonly #settings: DjangoSettings;
  readonly #cookies: string[] = [];
  #queued: StoredMessage[] = [];
  #loaded: StoredMessage[] | undefined;
  #used = false;
  #addedNew = false;
  #level: number | null = null;

  /**
   * Use {@linkcode requestMessages}.
   *
   * @param settings the settings
   * @param open makes the storage on first use (so a request that never touches its messages
   *   costs nothing, and an unknown `MESSAGE_STORAGE` only fails where messages are used)
   */
  constructor(settings: DjangoSettings, open: (sink: MessageSink) => Storage) {
    this.#settings = settings;
    this.#open = open;
  }

  /** Django's `used`: the messages were iterated (or the cookie storage found its cookie unreadable). */
  get used(): boolean {
    return this.#used;
  }

  /** Whether {@linkcode RequestMessages.commit} has anything to do (read, added, or a cookie due). */
  get pending(): boolean {
    return this.#used || this.#addedNew || this.#cookies.length > 0;
  }

  get #store(): Storage {
    return this.#storage ??= this.#open({
      setCookie: (header) => void this.#cookies.push(header),
      markUsed: () => void (this.#used = true),
    });
  }

  /** Django's `storage.level`: messages below it are dropped; `null` goes back to `MESSAGE_LEVEL`. */
  get level(): number {
    return this.#level ?? this.#settings.MESSAGE_LEVEL;
  }

  set level(value: number | null) {
    this.#level = value === null ? null : Math.trunc(value);
  }

  /**
   * Queues a message, as Django's `add_message`: an empty text, or a level below `level`, is dropped.
   *
   * @param level the level (`INFO`, `SUCCESS`, … or a project's own number)
   * @param message the text
   * @param options `extraTags` and `safe`
   * @returns whether the message was queued
   */
  add(level: number, message: string, options: AddOptions = {}): boolean {
    if (!message || Math.trunc(level) < this.level) return false;
    this.#addedNew = true;
    this.#queued.push({
      level: Math.trunc(level),
      message: String(message),
      extraTags: options.extraTags ?? "",
      safe: options.safe ?? false,
    });
    return true;
  }

  /** `messages.debug`. @param message the text @param options `extraTags`, `safe` @returns whether queued */
  debug(message: string, options?: AddOptions): boolean {
    return this.add(DEBUG, message, options);
  }

  /** `messages.info`. @param message the text @param options `extraTags`, `safe` @returns whether queued */
  info(message: string, options?: AddOptions): boolean {
    return this.add(INFO, message, options);
  }

  /** `messages.success`. @param message the text @param options `extraTags`, `safe` @returns whether queued */
  success(message: string, options?: AddOptions): boolean {
    return this.add(SUCCESS, message, options);
  }

  /** `messages.warning`. @param message the text @param options `extraTags`, `safe` @returns whether queued */
  warning(message: string, options?: AddOptions): boolean {
    return this.add(WARNING, message, options);
  }

  /** `messages.error`. @param message the text @param options `extraTags`, `safe` @returns whether queued */
  error(message: string, options?: AddOptions): boolean {
    return this.add(ERROR, message, options);
  }

  async #load(): Promise<StoredMessage[]> {
    return this.#loaded ??= (await this.#store.read())[0] ?? [];
  }

  /**
   * Django's iteration (`for message in messages`): the stored messages, then the ones added in
   * this request. They are consumed: `commit` keeps only what is added after this call.
   *
   * @returns the messages with their tags
   * @throws {StoreUnavailable} when the session store cannot be read
   */
  async list(): Promise<Message[]> {
    const loaded = await this.#load();
    this.#used = true;
    loaded.push(...this.#queued);
    this.#queued = [];
    return loaded.map((m) => withTags(m, this.#settings));
  }

  /**
   * Django's `len(storage)`: how many messages there are, without consuming them.
   *
   * @returns the count
   */
  async count(): Promise<number> {
    return (await this.#load()).length + this.#queued.length;
  }

  /**
   * Django's `storage.update(response)`: after iteration, stores what was added since; otherwise,
   * when something was added, stores the old and the new together. Call it before the session is
   * saved (Django's `MessageMiddleware` answers before `SessionMiddleware`).
   *
   * @returns the `Set-Cookie` values to send (the `messages` cookie set or deleted), often none
   * @throws {StoreUnavailable} when the session store cannot be read
   */
  async commit(): Promise<string[]> {
    if (this.#used) await this.#store.store(this.#queued, true);
    else if (this.#addedNew) {
      await this.#store.store([...await this.#load(), ...this.#queued], true);
    }
    return this.#cookies.splice(0);
  }
}

/**
 * The messages of one request, in the storage `MESSAGE_STORAGE` names (Django's default
 * `FallbackStorage`: the `messages` cookie, then the session).
 *
 * @param session the request's session (only loaded when the storage needs it)
 * @param cookieHeader the request's `Cookie` header, or `null`
 * @param settings Django's settings
 * @default settings the session's
 * @param cookieWriter where the `messages` cookie can only be deleted, never set (a Next Server
 *   Action: `cookies().set` would alter a signed value), what to call that place: `commit`
 *   then rejects with `ImproperlyConfigured` when a message would have to go in the cookie
 * @default cookieWriter undefined (the cookie is set as Django sets it)
 * @returns the request's messages; call `commit()` before the response goes out (its `list`,
 *   `count` and `commit` reject with `ImproperlyConfigured` when `MESSAGE_STORAGE` is not one of
 *   Django's three storages: only where messages are used)
 * @throws {ImproperlyConfigured} for settings Django would refuse
 *
 * @example
 * ```ts
 * import { requestMessages } from "@django-interop/session/messages";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * const session = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" }).getSession(null);
 * const messages = requestMessages(session, "theme=dark");
 * messages.info("Welcome back", { extraTags: "banner" });
 * console.log((await messages.list())[0].tags); // banner info
 * ```
 */
export function requestMessages<T extends SessionData>(
  session: Session<T>,
  cookieHeader: string | null,
  settings: Settings = session.settings,
  cookieWriter?: string,
): RequestMessages {
  const s = resolveSettings(settings);
  return new RequestMessages(s, (sink) => {
    const kind = storageKind(s);
    const io = {
      value: requestCookie(cookieHeader, "messages"),
      setCookie: sink.setCookie,
      // Only Django's CookieStorage on its own marks itself used; inside FallbackStorage the flag
      // lands on the inner storage, which nothing reads.
      corrupt: () => kind === "cookie" && sink.markUsed(),
    };
    const inSession = () => sessionStorage(session as unknown as Session, s);
    if (kind === "session") return inSession();
    const cookie = cookieWriter === undefined
      ? cookieStorage(s, io)
      : cookieDeletionsOnly(cookieStorage(s, io), cookieWriter);
    return kind === "cookie" ? cookie : fallbackStorage([cookie, inSession()]);
  });
}
