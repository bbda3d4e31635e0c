/**
 * Django's three message storages, each as its `_get` / `_store` pair: `SessionStorage` (the
 * `_messages` key of the session), `CookieStorage` (the signed `messages` cookie, at most 2048
 * bytes, with `"__messagesnotfinished__"` last when messages did not fit) and `FallbackStorage`
 * (cookie first, then the session: Django's default).
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import { type DjangoCookie, serializeCookie } from "../primitives/cookie.ts";
import type { Session } from "../session/session.ts";
import { djangoAtLeast, type DjangoSettings } from "../settings/settings.ts";
import { TimestampSigner } from "../signing/timestamp_signer.ts";
import { legacyCookieItems } from "./legacy_cookie.ts";
import {
  encodeSessionMessages,
  isMessage,
  messageList,
  readMessages,
  type StoredMessage,
} from "./message.ts";

/**
 * One storage as Django's `BaseStorage` subclasses fill it in. `read` answers `_get`: the messages
 * (`null` when the storage was not used at all) and whether they are all there; `store` answers
 * `_store`: the messages it could not keep.
 */
export interface Storage {
  read(): Promise<[StoredMessage[] | null, boolean]>;
  store(messages: StoredMessage[], removeOldest: boolean): Promise<StoredMessage[]>;
}

/** `SessionStorage.session_key`. */
const SESSION_KEY = "_messages";

/** Django's `SessionStorage`: the JSON text of the messages under `_messages`. */
export function sessionStorage(session: Session, settings: DjangoSettings): Storage {
  return {
    async read() {
      const data = (await session.load()).get(SESSION_KEY);
      // `deserialize_messages`: text is JSON; anything else (nothing) is passed through.
      if (typeof data !== "string" || data === "") return [null, true];
      return [readMessages(JSON.parse(data)).filter(isMessage), true];
    },
    async store(messages) {
      await session.load();
      if (messages.length) session.set(SESSION_KEY, encodeSessionMessages(messages, settings));
      else session.pop(SESSION_KEY);
      return [];
    },
  };
}

/** `CookieStorage.cookie_name`, `max_cookie_size`, `not_finished` and `key_salt`. */
const COOKIE_NAME = "messages";
const MAX_COOKIE_SIZE = 2048;
const NOT_FINISHED = "__messagesnotfinished__";
const KEY_SALT = "django.contrib.messages";

/**
 * `signing.get_cookie_signer(salt=key_salt)`: Django's `SIGNING_BACKEND`, a `TimestampSigner`
 * (its age never checked here), on keys prefixed with "django.http.cookies".
 */
function cookieSigner(settings: DjangoSettings): TimestampSigner {
  const legacy = !djangoAtLeast(settings, "4.0");
  return new TimestampSigner({
    key: "django.http.cookies" + settings.SECRET_KEY,
    fallbackKeys: settings.SECRET_KEY_FALLBACKS.map((key) => "django.http.cookies" + key),
    salt: KEY_SALT,
    // Django 3.2's Signer follows DEFAULT_HASHING_ALGORITHM and still accepts sha1.
    algorithm: legacy ? settings.DEFAULT_HASHING_ALGORITHM : "sha256",
    legacyAlgorithm: legacy ? "sha1" : undefined,
  });
}

/**
 * The value of a `messages` cookie holding `messages`, signed as Django's `CookieStorage` signs
 * it, whatever its length (for a request header, which has no cookie size limit).
 *
 * @param messages the messages
 * @param settings Django's settings
 * @returns the signed value
 */
export function signMessages(messages: StoredMessage[], settings: DjangoSettings): Promise<string> {
  const items = messages.map((m) => messageList(m, settings));
  return cookieSigner(settings).signObject(items, { compress: true });
}

/** What the cookie storage needs from the request and gives to the response. */
export interface CookieIo {
  /** The `messages` cookie the request carried, if any. */
  value: string | undefined;
  /** Receives each `Set-Cookie` value. */
  setCookie(header: string): void;
  /** Told when the cookie was unreadable (Django then marks the storage used). */
  corrupt(): void;
}

/**
 * The length of the `messages=` value once sent: a signed value is base64, `.` and `:` only,
 * all `_LegalChars`, so Python's `value_encode` leaves it as it is.
 */
function tooLarge(encoded: string | null): boolean {
  return encoded !== null && encoded.length > MAX_COOKIE_SIZE;
}

/** Django's `CookieStorage`, its 2048-byte limit and its trimming (linear before 5.0, bisected since). */
export function cookieStorage(settings: DjangoSettings, io: CookieIo): Storage {
  const signer = cookieSigner(settings);
  const encode = (items: unknown[]): Promise<string> =>
    signer.signObject(items, { compress: true });
  const withSentinel = (messages: StoredMessage[]) =>
    encode([...messages.map((m) => messageList(m, settings)), NOT_FINISHED]);
  const cookie = (value: string) =>
    serializeCookie(COOKIE_NAME, value, {
      domain: settings.SESSION_COOKIE_DOMAIN ?? undefined,
      path: "/",
      secure: settings.SESSION_COOKIE_SECURE,
      httpOnly: settings.SESSION_COOKIE_HTTPONLY,
      sameSite: settings.SESSION_COOKIE_SAMESITE || undefined,
    });
  return {
    async read() {
      if (!io.value) return [null, true];
      let items: unknown;
      try {
        items = await signer.unsignObject(io.value, {
          maxDecompressedBytes: settings.maxDecompressedBytes,
        });
      } catch (error) {
        items = await legacyCookieItems(io.value, error, signer, settings).catch(() => null);
        if (items === null) {
          io.corrupt();
          return [null, true];
        }
      }
      const list = Array.isArray(items) ? readMessages(items) : [];
      const finished = list.at(-1) !== NOT_FINISHED;
      return [list.filter(isMessage), finished];
    },
    async store(messages, removeOldest) {
      let encoded = messages.length
        ? await encode(messages.map((m) => messageList(m, settings)))
        : null;
      let kept = messages;
      if (tooLarge(encoded)) {
        const fits = async (n: number) =>
          !tooLarge(await withSentinel(removeOldest ? messages.slice(n) : messages.slice(0, n)));
        const count = await fittingCount(messages.length, fits, removeOldest, settings);
        kept = removeOldest ? messages.slice(count) : messages.slice(0, count);
        encoded = await withSentinel(kept);
      }
      io.setCookie(encoded === null ? deletion(settings) : cookie(encoded));
      return removeOldest
        ? messages.slice(0, messages.length - kept.length)
        : messages.slice(kept.length);
    },
  };
}

/**
 * How many messages to drop (`removeOldest`) or keep: Django before 5.0 drops one at a time until
 * the rest fit; 5.0+ bisects (ticket #28948). Both agree whenever sizes grow with the count.
 */
async function fittingCount(
  total: number,
  fits: (n: number) => Promise<boolean>,
  removeOldest: boolean,
  settings: DjangoSettings,
): Promise<number> {
  if (!djangoAtLeast(settings, "5.0")) {
    if (removeOldest) {
      let dropped = 1;
      while (dropped < total && !(await fits(dropped))) dropped++;
      return dropped;
    }
    let kept = total - 1;
    while (kept > 0 && !(await fits(kept))) kept--;
    return kept;
  }
  let lo = 0, hi = total;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    // bisect_keep_right: the first n whose tail fits; bisect_keep_left: the first n + 1 that does not.
    if (removeOldest) {
      if (await fits(mid)) hi = mid;
      else lo = mid + 1;
    } else if (await fits(mid + 1)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `response.delete_cookie("messages", domain=SESSION_COOKIE_DOMAIN, samesite=…)`, as a name,
 * value and attributes (for cookie APIs such as Next's `cookies().set`).
 *
 * @param settings Django's settings
 * @returns the deletion cookie
 */
export function messagesCookieDeletion(settings: DjangoSettings): DjangoCookie {
  const sameSite = settings.SESSION_COOKIE_SAMESITE;
  return {
    name: COOKIE_NAME,
    value: "",
    attributes: {
      maxAge: 0,
      expires: "Thu, 01 Jan 1970 00:00:00 GMT",
      domain: settings.SESSION_COOKIE_DOMAIN ?? undefined,
      path: "/",
      secure: String(sameSite).toLowerCase() === "none",
      sameSite: sameSite || undefined,
    },
  };
}

function deletion(settings: DjangoSettings): string {
  const { name, value, attributes } = messagesCookieDeletion(settings);
  return serializeCookie(name, value, attributes);
}

/**
 * A cookie storage that reads and deletes the `messages` cookie but never sets a value: where the
 * response's cookie API would send a signed value altered (Next's `cookies().set` percent-encodes
 * its `:`), Django would read none. Storing a message rejects instead of losing it.
 *
 * @param storage Django's `CookieStorage`
 * @param where what to name in the error
 * @returns the storage
 */
export function cookieDeletionsOnly(storage: Storage, where: string): Storage {
  return {
    read: () => storage.read(),
    store(messages, removeOldest) {
      if (messages.length === 0) return storage.store(messages, removeOldest);
      return Promise.reject(
        new ImproperlyConfigured(
          `${where} cannot set Django's messages cookie (its value would reach Django altered): ` +
            'add messages there with MESSAGE_STORAGE = "django.contrib.messages.storage.session.' +
            'SessionStorage" (on both sides), or in a route handler',
        ),
      );
    },
  };
}

/** Django's `FallbackStorage`: the cookie, then the session for what did not fit. */
export function fallbackStorage(storages: Storage[]): Storage {
  const used = new Set<Storage>();
  return {
    async read() {
      const all: StoredMessage[] = [];
      let finished = true;
      for (const storage of storages) {
        const [messages, allRetrieved] = await storage.read();
        finished = allRetrieved;
        // A storage that was not used at all means nothing comes after it.
        if (messages === null) break;
        if (messages.length) used.add(storage);
        all.push(...messages);
        if (allRetrieved) break;
      }
      return [all, finished];
    },
    async store(messages) {
      let left = messages;
      for (const storage of storages) {
        if (left.length) left = await storage.store(left, false);
        else if (used.has(storage)) {
          // Emptied storages are flushed even when nothing is left to store.
          await storage.store([], false);
          used.delete(storage);
        }
      }
      return left;
    },
  };
}

/** `MESSAGE_STORAGE`'s values this module speaks. */
const STORAGES = {
  "django.contrib.messages.storage.fallback.FallbackStorage": "fallback",
  "django.contrib.messages.storage.cookie.CookieStorage": "cookie",
  "django.contrib.messages.storage.session.SessionStorage": "session",
} as const;

/**
 * Which storage `MESSAGE_STORAGE` names.
 *
 * @param settings `MESSAGE_STORAGE`
 * @returns `"fallback"`, `"cookie"` or `"session"`
 * @throws {ImproperlyConfigured} for a storage class of the project's own
 */
export function storageKind(settings: DjangoSettings): "fallback" | "cookie" | "session" {
  const kind = STORAGES[settings.MESSAGE_STORAGE as keyof typeof STORAGES];
  if (!kind) {
    throw new ImproperlyConfigured(
      `MESSAGE_STORAGE ${settings.MESSAGE_STORAGE} is not one of Django's storages`,
    );
  }
  return kind;
}
