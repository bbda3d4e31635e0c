/**
 * Django's `contrib.messages` on a shared session: messages added here show in Django's
 * `get_messages(request)` and the other way round, in each of Django's storages — the session
 * (`_messages`), the signed `messages` cookie, and the fallback of the two (Django's default).
 *
 * @example
 * ```ts
 * import { requestMessages, SUCCESS } from "@django-interop/session/messages";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * const session = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" }).getSession(null);
 * const messages = requestMessages(session, null);
 * messages.add(SUCCESS, "Saved");
 * console.log((await messages.commit())[0].startsWith("messages=")); // true
 * ```
 *
 * @module
 */
export {
  DEBUG,
  ERROR,
  INFO,
  type Message,
  type StoredMessage,
  SUCCESS,
  WARNING,
} from "./message.ts";
export {
  type AddOptions,
  type MessageSink,
  RequestMessages,
  requestMessages,
} from "./request_messages.ts";
