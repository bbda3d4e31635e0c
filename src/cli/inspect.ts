/**
 * `inspect VALUE`: what a cookie value, a `session_data` text, a signed-cookie session or a `dumps`
 * token is, which key and salt signed it, when, and what it holds — or exactly why it does not
 * verify, as one line that says what to change.
 *
 * @module
 */
import { DjangoSessionError } from "../errors.ts";
import { base62Decode } from "../primitives/base64.ts";
import { legacyDecode } from "../session/legacy_codec.ts";
import { decodePayload } from "../signing/payload.ts";
import { Signer } from "../signing/signer.ts";

/** The keys and salts `inspect` tries. */
export interface Keys {
  /** `SECRET_KEY`. */
  secretKey: string;
  /** `SECRET_KEY_FALLBACKS`. */
  fallbacks: string[];
  /** A salt given with `--salt`; otherwise Django's usual ones are tried. */
  salt?: string;
  /** The `SessionStore` class name (`--store-class`). */
  storeClass: string;
  /** Seconds after which a timestamped value counts as expired (`--max-age`). */
  maxAge?: number;
  /** The inflate cap. */
  maxDecompressedBytes: number;
}

/** What `inspect` found. */
export interface Inspection {
  /** The value verified and its data was read. */
  ok: boolean;
  /** What the value is, e.g. `session data (Django 3.1+, sha256, compressed)`. */
  format: string;
  /** The salt that verified it. */
  salt?: string;
  /** Which key verified it: `SECRET_KEY` or `SECRET_KEY_FALLBACKS[n]`. */
  key?: string;
  /** When it was signed (ISO), and how many seconds ago. */
  signedAt?: string;
  ageSeconds?: number;
  /** The data. */
  data?: unknown;
  /** The Django auth keys in it. */
  auth?: Record<string, unknown>;
  /** Why it failed, and what to change. */
  problem?: string;
}

const SESSION_KEY = /^[a-z0-9]{8,40}$/;
const SIGNATURE = /^[A-Za-z0-9_-]+$/;
const AUTH_KEYS = ["_auth_user_id", "_auth_user_backend", "_auth_user_hash"];

function saltsOf(keys: Keys): [salt: string, kind: string][] {
  const common: [string, string][] = [
    [`django.contrib.sessions.${keys.storeClass}`, "session data"],
    ["django.contrib.sessions.backends.signed_cookies", "signed-cookie session"],
    ["django.core.signing", "signing.dumps token"],
  ];
  if (keys.salt === undefined) return common;
  return [[keys.salt, "signed value"], ...common.filter(([s]) => s !== keys.salt)];
}

function keyName(index: number): string {
  return index === 0 ? "SECRET_KEY" : `SECRET_KEY_FALLBACKS[${index - 1}]`;
}

/** Finds the (salt, key, algorithm) whose signature `signature` is, trying each in turn. */
async function findSigner(value: string, signature: string, keys: Keys) {
  const algorithms = signature.length === 43 ? ["sha256"] as const : ["sha1"] as const;
  const secrets = [keys.secretKey, ...keys.fallbacks];
  for (const [salt, kind] of saltsOf(keys)) {
    for (const [index, key] of secrets.entries()) {
      for (const algorithm of algorithms) {
        const signer = new Signer({ key, salt, algorithm });
        if ((await signer.signature(value)) === signature) {
          return { salt, kind, key: keyName(index), algorithm };
        }
      }
    }
  }
  return null;
}

function authOf(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const found = AUTH_KEYS.filter((k) => k in data);
  return found.length
    ? Object.fromEntries(found.map((k) => [k, (data as Record<string, unknown>)[k]]))
    : undefined;
}

function notVerified(keys: Keys, sha1: boolean): string {
  const tried = keys.fallbacks.length
    ? `SECRET_KEY nor any of the ${keys.fallbacks.length} fallbacks`
    : "SECRET_KEY (and no fallbacks were given)";
  return `the signature matches neither ${tried}, under any of Django's usual salts` +
    (keys.salt ? ` or ${JSON.stringify(keys.salt)}` : "") +
    `: it was signed with another SECRET_KEY (add the old one with --fallback or ` +
    `DJANGO_SECRET_KEY_FALLBACKS, as Django's SECRET_KEY_FALLBACKS)` +
    (sha1 ? "" : ", under a custom SessionStore class (--store-class) or salt (--salt)") +
    ", or it was changed";
}

async function inspectSigned(value: string, keys: Keys): Promise<Inspection> {
  const at = value.lastIndexOf(":");
  const [signed, signature] = [value.slice(0, at), value.slice(at + 1)];
  if (!SIGNATURE.test(signature) || (signature.length !== 43 && signature.length !== 27)) {
    return {
      ok: false,
      format: "not a Django signed value",
      problem: `the part after the last ":" has ${signature.length} characters: a Django ` +
        "signature has 43 (sha256) or 27 (sha1) URL-safe base64 characters; was the value cut " +
        "or URL-encoded twice?",
    };
  }
  const sha1 = signature.length === 27;
  const found = await findSigner(signed, signature, keys);
  const algorithm = sha1 ? "sha1, accepted by Django 3.1/3.2 only" : "sha256";
  if (!found) {
    return { ok: false, format: `signed value (${algorithm})`, problem: notVerified(keys, sha1) };
  }
  const parts = signed.split(":");
  const payload = parts.length >= 2 ? parts.slice(0, -1).join(":") : signed;
  const compressed = payload.startsWith(".");
  const result: Inspection = {
    ok: true,
    format: `${found.kind} (${sha1 ? "Django 3.1/3.2 sha1" : "Django 3.1+, sha256"}` +
      `${compressed ? ", compressed" : ""})`,
    salt: found.salt,
    key: found.key,
  };
  if (keys.salt !== undefined && found.salt !== keys.salt) {
    result.problem = `verified under the salt ${JSON.stringify(found.salt)}, not the ` +
      `--salt given (${JSON.stringify(keys.salt)})`;
  }
  if (parts.length >= 2) {
    const seconds = base62Decode(parts.at(-1)!);
    result.signedAt = new Date(seconds * 1000).toISOString();
    result.ageSeconds = Math.floor(Date.now() / 1000) - seconds;
    if (keys.maxAge !== undefined && result.ageSeconds > keys.maxAge) {
      return {
        ...result,
        ok: false,
        problem: `expired: signed ${result.ageSeconds} s ago, more than --max-age ${keys.maxAge}` +
          " (SESSION_COOKIE_AGE for signed-cookie sessions)",
      };
    }
  }
  return readPayload(
    result,
    () => decodePayload(payload, payload.length, keys.maxDecompressedBytes),
  );
}

function readPayload(result: Inspection, read: () => unknown): Inspection {
  try {
    const data = read();
    return { ...result, data, auth: authOf(data) };
  } catch (error) {
    const message = error instanceof DjangoSessionError ? error.message : String(error);
    return {
      ...result,
      ok: false,
      problem: /cap|exceed|larger/i.test(message)
        ? `${message}: raise maxDecompressedBytes if this size is expected`
        : `the signature verifies but the payload cannot be read: ${message}`,
    };
  }
}

async function inspectLegacy(value: string, keys: Keys): Promise<Inspection> {
  const format = "pre-3.1 session data (base64 of sha1 hex + JSON; read by Django 3.1/3.2 only)";
  const secrets = [keys.secretKey, ...keys.fallbacks];
  for (const [index, secret] of secrets.entries()) {
    try {
      const data = await legacyDecode(value, [secret], keys.storeClass);
      return { ok: true, format, key: keyName(index), data, auth: authOf(data) };
    } catch (error) {
      if (error instanceof DjangoSessionError && error.code === "BAD_PAYLOAD") {
        return { ok: false, format, key: keyName(index), problem: error.message };
      }
      if (/base64|No ":"/.test(String(error))) {
        return {
          ok: false,
          format: "not a Django signed value",
          problem: 'no ":" separator and not base64: not a Django session, cookie or token',
        };
      }
    }
  }
  return { ok: false, format, problem: notVerified(keys, true) };
}

/**
 * Inspects one value.
 *
 * @param value the cookie value, `session_data`, signed cookie or token
 * @param keys the keys, salts and limits to try
 * @returns what it is, or why it fails
 */
export function inspectValue(value: string, keys: Keys): Promise<Inspection> {
  const trimmed = value.trim();
  if (SESSION_KEY.test(trimmed)) {
    return Promise.resolve({
      ok: false,
      format: "a session key (the sessionid cookie of a database session), not session data",
      problem: "its data is in the database: run `doctor --database-url URL --cookie " +
        `${trimmed}\` to follow it`,
    });
  }
  return trimmed.includes(":") ? inspectSigned(trimmed, keys) : inspectLegacy(trimmed, keys);
}
