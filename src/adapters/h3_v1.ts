/**
 * The h3 v1 (Nitro 2, Nuxt 3/4) path of the h3 middleware. h3 v1 has no onion middleware: a
 * middleware runs before the handler and returns, and the handler's answer leaves through Node's
 * response — `sendRedirect` and `sendStream` end it themselves, before any app hook. So the
 * response is held from its first write until the commit is done (as the Express adapter does,
 * `held_response.ts`), whichever way it is sent, and the commit reads the status it was sent with:
 * Django's rule, nothing saved for a 5xx (what a thrown error becomes), a 4xx committed as Django
 * commits after `Http404`.
 *
 * @module
 */
import type { SessionData } from "../session/store.ts";
import { formTokenReader } from "../csrf/form.ts";
import type { SessionOptions } from "../http/with_session.ts";
import { closeHeaders, failedRequest, type OpenRequest, openRequestLine } from "./request.ts";
import { holdResponse, type Replacement } from "./held_response.ts";
import { errorPage } from "./express_errors.ts";
import {
  csrfUrl,
  type H3SessionOptions,
  type H3V1Event,
  type H3V1Request,
  isExempt,
  provide,
  refused,
} from "./h3_event.ts";

/**
 * Runs the "before" half of Django's middleware under h3 v1 and holds the response for the "after".
 *
 * @param event the event
 * @param options the middleware's options
 * @returns `undefined` (h3 goes on to the handler), or the refusal / error response to send
 */
export async function sessionV1<T extends SessionData, U>(
  event: H3V1Event,
  options: H3SessionOptions<T, U>,
): Promise<Response | undefined> {
  const { req, res } = event.node;
  let open: OpenRequest<T, U>;
  try {
    const url = requestUrl(req);
    const line = {
      method: req.method ?? "GET",
      url: url.href,
      headers: req.headers,
      formToken: () => formToken(event),
    };
    // Its own `csrfFailure` (given the event) is answered here, not by openRequestLine.
    const shared: SessionOptions<T, U> = options;
    open = await openRequestLine(line, shared, isExempt(url, event, options));
  } catch (error) {
    return failedRequest(error, options);
  }
  provide(event, open);
  if (!open.csrf.ok) return await refused(open, open.csrf, event, options);
  const loadError = recordLoadError(open);
  holdResponse(res, (status) => committed(open, event, status, options, loadError()));
  // h3 v1 tells "answered" by `res.writableEnded`, which a held `end` leaves false: without the
  // flag it would go on to the next handler, then answer 404.
  const { end } = res;
  res.end = (...args: unknown[]) => {
    (event as { _handled?: boolean })._handled = true;
    return end.apply(res, args);
  };
  return undefined;
}

const failedEvents = new WeakSet<object>();

/**
 * Marks a request whose handler threw, so that its error page saves nothing. h3 v1 catches the
 * error outside any middleware, so it is told: by the app's `onError` (this), or by Nitro 2, which
 * records every request's errors in `event.context.nitro.errors`.
 *
 * @param event the event
 */
export function markFailed(event: object): void {
  failedEvents.add(event);
}

function failed(event: H3V1Event): boolean {
  const nitro = (event.context as { nitro?: { errors?: unknown[] } }).nitro;
  return failedEvents.has(event) || (nitro?.errors?.length ?? 0) > 0;
}

/**
 * Remembers why this request's session could not be loaded (`load()`, or `flush()`, `cycleKey()`
 * and `user()`, which load through it): h3 v1 hands the handler's error to its own error page
 * (wrapped, its class lost), so the store's outage is recognised here and answered as the other
 * adapters answer it (503 with `Retry-After`).
 */
function recordLoadError<T extends SessionData, U>(open: OpenRequest<T, U>): () => unknown {
  const { session } = open;
  const load = session.load.bind(session);
  let error: unknown;
  session.load = () =>
    load().catch((reason) => {
      error = reason;
      throw reason;
    });
  return () => error;
}

/**
 * The request's URL as h3 v1's `getRequestURL` builds it by default: the socket's scheme (or
 * `X-Forwarded-Proto: https`), the `Host` header, the path before any `app.use` prefix was
 * stripped.
 */
function requestUrl(req: H3V1Request): URL {
  const { connection } = req as { connection?: { encrypted?: boolean } };
  const host = req.headers.host || "localhost";
  const path = (req.originalUrl || req.url || "/").replace(/^[/\\]+/, "/");
  const url = new URL(path, `${connection?.encrypted ? "https" : "http"}://${host}`);
  return csrfUrl(url, req.headers["x-forwarded-proto"]);
}

// Where h3 v1's readRawBody caches the body it read, so the handler's readBody() reads it again.
const RAW_BODY = Symbol.for("h3RawBody");

/** The `csrfmiddlewaretoken` of a form body, read once and left for the handler's `readBody`. */
async function formToken(event: H3V1Event): Promise<string | null> {
  const { req } = event.node;
  const type = String(req.headers["content-type"] ?? "");
  const body = webBody(event) ?? await nodeBody(req);
  // `duplex` for Node's fetch, which needs it with a stream body (the others ignore it).
  const init = { method: "POST", headers: { "content-type": type }, body, duplex: "half" };
  return formTokenReader(new Request("http://localhost/", init as RequestInit))();
}

/** The body of a request h3 v1 got as a fetch `Request` (`toWebHandler`): a tee, one half left. */
function webBody(event: H3V1Event): ReadableStream | null {
  const held = event as { _requestBody?: unknown };
  if (!(held._requestBody instanceof ReadableStream)) return null;
  const [ours, theirs] = held._requestBody.tee();
  held._requestBody = theirs;
  return ours;
}

/** The Node body, read as h3 v1's `readRawBody` reads it and cached where it looks first. */
function nodeBody(req: H3V1Request): Promise<Uint8Array> {
  const cached = req as unknown as Record<symbol, Promise<Uint8Array> | undefined>;
  cached[RAW_BODY] ??= new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    req.on("error", reject);
    req.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    req.on("end", () => resolve(concat(chunks)));
  });
  return cached[RAW_BODY]!;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) all.set(chunk, offset), offset += chunk.length;
  return all;
}

/**
 * The commit at the response's first write: the header updates set, or an error page — the
 * session error's answer when the store failed and h3 answers 500, nothing when the handler threw.
 */
function committed<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  event: H3V1Event,
  status: number,
  options: H3SessionOptions<T, U>,
  loadError: unknown,
): Replacement | null | Promise<Replacement | null> {
  const { res } = event.node;
  if (status >= 500 && loadError !== undefined) return errorPage(loadError, options);
  if (failed(event)) return null;
  const apply = (updates: Awaited<ReturnType<typeof closeHeaders>>) => {
    for (const [header, value] of updates) res.setHeader(header, value);
    return null;
  };
  const fail = (error: unknown) => errorPage(error, options);
  try {
    const updates = closeHeaders(open, status, (header) => res.getHeader(header));
    return updates instanceof Promise ? updates.then(apply, fail) : apply(updates);
  } catch (error) {
    return fail(error);
  }
}
