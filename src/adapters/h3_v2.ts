/**
 * The h3 v2 (Nitro 3) path of the h3 middleware: an onion middleware around `next()`. h3 turns
 * the handler's value into a `Response` only after every middleware has returned, merging the
 * headers it prepared (`event.res.headers`; `errHeaders` for a `Response` of 400 or more) — so
 * the commit writes the cookies and `Vary` there, whatever the value is: a string, JSON, a stream,
 * a `Response`, or `redirect()`/`html()`/`noContent()` (h3's `HTTPResponse`). A handler that
 * throws saves nothing.
 *
 * @module
 */
import type { SessionData } from "../session/store.ts";
import type { SessionOptions } from "../http/with_session.ts";
import { formTokenReader } from "../csrf/form.ts";
import { type HeaderUpdate, setVaryInPlace } from "../http/respond.ts";
import { closeHeaders, failedRequest, type OpenRequest, openRequestLine } from "./request.ts";
import {
  csrfUrl,
  type H3SessionOptions,
  type H3V2Event,
  isExempt,
  provide,
  refused,
} from "./h3_event.ts";

// h3 v2 marks its HTTPResponse (what redirect(), html(), noContent() return) with a global symbol.
const HTTP_RESPONSE = Symbol.for("h3.HTTPResponse");

/** A handler's value that carries its own status and headers: a `Response` or h3's `HTTPResponse`. */
interface OwnResponse {
  status?: number;
  headers: Headers;
}

function ownResponse(value: unknown): OwnResponse | null {
  if (value instanceof Response) return value;
  const candidate = value as { [HTTP_RESPONSE]?: unknown } | null;
  return candidate?.[HTTP_RESPONSE] === true ? value as OwnResponse : null;
}

/**
 * Runs one request through Django's middleware under h3 v2.
 *
 * @param event the event
 * @param next the rest of the chain
 * @param options the middleware's options
 * @returns what the chain answered, or the refusal / error response
 */
export async function sessionV2<T extends SessionData, U>(
  event: H3V2Event,
  next: () => unknown,
  options: H3SessionOptions<T, U>,
): Promise<unknown> {
  let open: OpenRequest<T, U>;
  try {
    const opening = openV2(event, options);
    open = opening instanceof Promise ? await opening : opening;
  } catch (error) {
    return failedRequest(error, options);
  }
  provide(event, open);
  if (!open.csrf.ok) return await refused(open, open.csrf, event, options);
  let value: unknown;
  try {
    value = await next();
  } catch (error) {
    // A handler that threw saves nothing; a session error gets the shared answer.
    return failedRequest(error, options);
  }
  // h3's own markers (kHandled: a Node handler wrote the response itself; kNotFound) and a
  // returned error, which h3 answers as thrown: nothing to commit.
  if (typeof value === "symbol" || value instanceof Error) return value;
  try {
    const committing = commitInto(open, event, value);
    if (committing) await committing;
  } catch (error) {
    return failedRequest(error, options);
  }
  return value;
}

/** The "before" step, synchronous for a safe method (no promise before the handler runs). */
function openV2<T extends SessionData, U>(
  event: H3V2Event,
  options: H3SessionOptions<T, U>,
): OpenRequest<T, U> | Promise<OpenRequest<T, U>> {
  const { req } = event;
  const url = csrfUrl(event.url, req.headers.get("x-forwarded-proto"));
  const line = { method: req.method, url: url.href, headers: req.headers };
  const shared: SessionOptions<T, U> = options; // its own csrfFailure is answered by refused()
  return openRequestLine(
    { ...line, formToken: formTokenReader(req) },
    shared,
    isExempt(url, event, options),
  );
}

/**
 * Writes the commit's `Set-Cookie` and `Vary` into h3's prepared headers, which h3 merges over the
 * value's own headers (appending cookies, replacing the rest) — or, when the value is a handler's
 * `Response` and only `Vary` changes, into that `Response` itself, as `withCookie` does: a
 * prepared header makes h3 copy the `Response`, turning its fixed body into a stream. Synchronous
 * when nothing is saved; h3's prepared headers are made only when something is written.
 */
function commitInto<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  event: H3V2Event,
  value: unknown,
): void | Promise<void> {
  const own = ownResponse(value);
  const status = own?.status || event.res.status || 200;
  const answered = value instanceof Response ? value : null;
  const prepared = () => answered && status >= 400 ? event.res.errHeaders : event.res.headers;
  const updates = closeHeaders(
    open,
    status,
    (header) =>
      header === "set-cookie"
        ? [...(own?.headers.getSetCookie() ?? []), ...prepared().getSetCookie()]
        : prepared().get("vary") ?? own?.headers.get("vary"),
  );
  return updates instanceof Promise
    ? updates.then((done) => writeUpdates(done, answered, own, prepared))
    : writeUpdates(updates, answered, own, prepared);
}

/** Sets the updates on h3's prepared headers, skipping the cookies the value carries itself. */
function writeUpdates(
  updates: HeaderUpdate[],
  answered: Response | null,
  own: OwnResponse | null,
  prepared: () => Headers,
): void {
  if (updates.length === 0) return;
  const target = prepared();
  if (answered && varyInPlace(answered, updates, target)) return;
  const ownCookies = own?.headers.getSetCookie() ?? [];
  for (const [header, value] of updates) {
    if (typeof value === "string") {
      target.set(header, value);
      continue;
    }
    target.delete(header);
    for (const cookie of value) if (!ownCookies.includes(cookie)) target.append(header, cookie);
  }
}

/**
 * Sets a lone `Vary` update on the handler's `Response` itself; `false` when there is more to set,
 * when h3's prepared headers carry a `Vary` of their own (h3 would replace ours with it) or when
 * the `Response`'s headers are immutable (`Response.redirect()`, a `fetch()` response).
 */
function varyInPlace(response: Response, updates: HeaderUpdate[], prepared: Headers): boolean {
  if (updates.length !== 1 || updates[0][0] !== "vary" || prepared.has("vary")) return false;
  return setVaryInPlace(response, updates[0][1] as string);
}
