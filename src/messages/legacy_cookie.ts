/**
 * The two older `messages` cookie forms that Django 3.2 still reads, so a cookie set by Django 3.0
 * or 3.1 before an upgrade is not lost:
 *
 * - before 3.1: `<sha1 hex of salted_hmac("django.contrib.messages", json, SECRET_KEY)>$<json>`
 *   (read until 4.0);
 * - 3.1: the JSON itself, timestamp-signed (`signer.sign(json)`, no base64; read until 4.1).
 *
 * @module
 */
import { BadPayload, BadSignature } from "../errors.ts";
import { timingSafeEqual } from "../primitives/crypto.ts";
import { djangoAtLeast, type DjangoSettings } from "../settings/settings.ts";
import { hexEncode, saltedHmac } from "../signing/salted_hmac.ts";
import type { TimestampSigner } from "../signing/timestamp_signer.ts";

/** `CookieStorage._legacy_hash`'s fixed salt. */
const LEGACY_SALT = "django.contrib.messages";

/**
 * What Django 3.2's `_decode` makes of a cookie that `unsign_object` refused.
 *
 * @param value the cookie value
 * @param error why `unsign_object` refused it
 * @param signer the cookie signer
 * @param settings `SECRET_KEY` and `djangoVersion`
 * @returns the decoded JSON, or `null` when this release reads no older form of it
 * @throws {SyntaxError} for a verified value that is not JSON (Django: unreadable, used)
 */
export async function legacyCookieItems(
  value: string,
  error: unknown,
  signer: TimestampSigner,
  settings: DjangoSettings,
): Promise<unknown> {
  // BadPayload is a BadSignature: the signature verified, the payload was not base64 JSON.
  if (error instanceof BadPayload) {
    return djangoAtLeast(settings, "4.1") ? null : JSON.parse(await signer.unsign(value));
  }
  if (!(error instanceof BadSignature) || djangoAtLeast(settings, "4.0")) return null;
  const at = value.indexOf("$");
  if (at < 0) return null;
  const json = value.slice(at + 1);
  const hash = hexEncode(await saltedHmac(LEGACY_SALT, json, settings.SECRET_KEY, "sha1"));
  return timingSafeEqual(value.slice(0, at), hash) ? JSON.parse(json) : null;
}
