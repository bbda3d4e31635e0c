/**
 * Django's `django.core.signing` and `django.utils.crypto.salted_hmac`, byte for byte: `Signer`,
 * `TimestampSigner`, `dumps`/`loads`, base64 and base62 as Django writes them, and Python's JSON.
 *
 * @example
 * ```ts
 * import { dumps, loads } from "@django-interop/session/signing";
 * const token = await dumps({ id: 1 }, { key: "django-insecure-key", salt: "my.app" });
 * console.log(await loads(token, { key: "django-insecure-key", salt: "my.app" })); // { id: 1 }
 * ```
 *
 * @module
 */
export { b64Decode, b64Encode, base62Decode, base62Encode } from "../primitives/base64.ts";
export { pythonJsonDumps } from "./json.ts";
export { type Algorithm, hexEncode, saltedHmac } from "./salted_hmac.ts";
export {
  Signer,
  type SignerOptions,
  type SignObjectOptions,
  type UnsignObjectOptions,
} from "./signer.ts";
export {
  TimestampSigner,
  type TimestampSignerOptions,
  type UnsignTimestampOptions,
} from "./timestamp_signer.ts";
export { dumps, type DumpsOptions, loads, type LoadsOptions } from "./dumps.ts";
