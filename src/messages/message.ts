/**
 * Django's `contrib.messages` message and its JSON form, as `MessageEncoder` writes it into the
 * session (`_messages`) and the `messages` cookie:
 *
 * ```json
 * [["__json_message", 0, 25, "Profile saved", ""], ["__json_message", 1, 40, "<b>Failed</b>"]]
 * ```
 *
 * `"__json_message"`, `is_safe` (1 for a `SafeString`), the level, the text and `extra_tags`.
 * Django 4.1+ always writes `extra_tags` unless it is `None`; 3.2 leaves out an empty one too.
 *
 * @module
 */
import { djangoAtLeast, type DjangoSettings } from "../settings/settings.ts";
import { pythonJsonDumps } from "../signing/json.ts";

/** Django's `messages.DEBUG`. */
export const DEBUG = 10;
/** Django's `messages.INFO`. */
export const INFO = 20;
/** Django's `messages.SUCCESS`. */
export const SUCCESS = 25;
/** Django's `messages.WARNING`. */
export const WARNING = 30;
/** Django's `messages.ERROR`. */
export const ERROR = 40;

/** Django's `constants.DEFAULT_TAGS`, which `MESSAGE_TAGS` extends or overrides. */
const DEFAULT_TAGS: Readonly<Record<number, string>> = {
  [DEBUG]: "debug",
  [INFO]: "info",
  [SUCCESS]: "success",
  [WARNING]: "warning",
  [ERROR]: "error",
};

/** A message as stored: what Django's `Message` holds. */
export interface StoredMessage {
  /** The level (`INFO`, `SUCCESS`, … or a project's own number). */
  level: number;
  /** The text. */
  message: string;
  /** `None` in Django (a 3.2 message without tags reads back as `None`). */
  extraTags: string | null;
  /** Django's `SafeString`: the template will not escape it. */
  safe: boolean;
}

/** A message as a template shows it: Django's `Message` with its `tags` and `level_tag`. */
export interface Message extends Readonly<StoredMessage> {
  /** `MESSAGE_TAGS`' name for the level (`"success"`), or `""`. */
  readonly levelTag: string;
  /** `extra_tags` then `level_tag`, space-separated, empties left out (Django's `tags`). */
  readonly tags: string;
}

/** The sentinel Django's `MessageEncoder` puts first in each message's list. */
const MESSAGE_KEY = "__json_message";

/**
 * A stored message with the tags its settings give it.
 *
 * @param stored the message
 * @param settings `MESSAGE_TAGS`
 * @returns the message with `levelTag` and `tags`
 */
export function withTags(stored: StoredMessage, settings: DjangoSettings): Message {
  const levelTag = { ...DEFAULT_TAGS, ...settings.MESSAGE_TAGS }[stored.level] ?? "";
  const tags = [stored.extraTags, levelTag].filter((tag) => tag).join(" ");
  return Object.freeze({ ...stored, levelTag, tags });
}

/**
 * The list `MessageEncoder.default` gives one message.
 *
 * @param message the message
 * @param settings `djangoVersion` (3.2 leaves out empty tags)
 * @returns `["__json_message", is_safe, level, message, extra_tags?]`
 */
export function messageList(message: StoredMessage, settings: DjangoSettings): unknown[] {
  const list: unknown[] = [MESSAGE_KEY, message.safe ? 1 : 0, message.level, message.message];
  const { extraTags } = message;
  if (djangoAtLeast(settings, "4.1") ? extraTags !== null : extraTags) list.push(extraTags);
  return list;
}

/**
 * `MessageEncoder().encode(messages)`: Python's default separators (`", "`, `": "`), which the
 * session storage keeps, unlike the cookie's compact form.
 *
 * @param messages the messages
 * @param settings `djangoVersion`
 * @returns the JSON text for `_messages`
 */
export function encodeSessionMessages(
  messages: readonly StoredMessage[],
  settings: DjangoSettings,
): string {
  const lists = messages.map((m) =>
    `[${messageList(m, settings).map(pythonJsonDumps).join(", ")}]`
  );
  return `[${lists.join(", ")}]`;
}

/**
 * `MessageDecoder.process_messages` on a decoded list: each `["__json_message", …]` becomes a
 * message; anything else (the cookie's "not finished" sentinel) is kept as it is.
 *
 * @param items the decoded JSON array
 * @returns messages, and other items untouched
 */
export function readMessages(items: unknown[]): (StoredMessage | unknown)[] {
  return items.map((item) => {
    if (!Array.isArray(item) || item[0] !== MESSAGE_KEY) return item;
    const [, safe, level, message, extraTags = null] = item;
    return {
      level: Math.trunc(Number(level)),
      message: String(message),
      extraTags: extraTags === null ? null : String(extraTags),
      safe: Boolean(safe),
    } satisfies StoredMessage;
  });
}

/**
 * Whether a decoded item is a message (rather than the cookie's sentinel).
 *
 * @param item an item from {@linkcode readMessages}
 * @returns true for a message
 */
export function isMessage(item: unknown): item is StoredMessage {
  return typeof item === "object" && item !== null && "level" in item;
}
