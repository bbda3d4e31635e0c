/**
 * SvelteKit `handle` hook: Django's session, user, CSRF token and messages on `event.locals`,
 * committed on the response `resolve(event)` returns as Django's `SessionMiddleware` does, behind
 * Django's `CsrfViewMiddleware`. Its own subpath export (`./sveltekit`), so the main entry never
 * needs SvelteKit (2.x; SvelteKit 3 needs Node ≥ 22.17 and is not supported yet).
 *
 * `event.locals` is typed by the app: JSR refuses a package that declares ambient types, so the
 * app's `src/app.d.ts` holds the one line, `interface Locals extends LocalsOf<typeof django> {}`
 * (see {@linkcode LocalsOf}).
 *
 * @example
 * ```ts
 * import type { RequestEvent } from "@sveltejs/kit";
 * import { djangoSession, type DjangoLocals } from "@django-interop/session/sveltekit";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * export const handle = djangoSession({ backend }); // src/hooks.server.ts
 *
 * // What SvelteKit does with it for one request, a load function reading the session:
 * const event = { request: new Request("http://localhost/"), locals: {} } as RequestEvent;
 * const response = await handle({
 *   event,
 *   resolve: async ({ locals }) => {
 *     const session = await (locals as DjangoLocals).session.load();
 *     return new Response(`user ${session.get("_auth_user_id") ?? "anonymous"}`);
 *   },
 * });
 * console.log(await response.text()); // user anonymous
 * ```
 *
 * @module
 */
import { error, type Handle, isRedirect, redirect, type RequestEvent } from "@sveltejs/kit";
import type { SessionData } from "../session/store.ts";
import type { LoginRequiredOptions } from "../auth/login_required.ts";
import { loginRedirectUrl } from "../auth/login_url.ts";
import type { RequestContext } from "./fetch.ts";
import {
  closeRequest,
  failedRequest,
  openRequest,
  refusal,
  type RequestOptions,
} from "./request.ts";

export type { CsrfFailureView } from "./request.ts";
export type { LoginRequiredOptions } from "../auth/login_required.ts";

/**
 * What {@linkcode djangoSession} puts on `event.locals`: the lazy `session`, `user()`,
 * `csrfToken()` (Django's `get_token`) and `messages`. The app's `App.Locals` extends it, in
 * `src/app.d.ts`; {@linkcode LocalsOf} spells it for a handle without restating the types.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 * @example
 * ```ts
 * import type { DjangoLocals } from "@django-interop/session/sveltekit";
 * import type { DjangoUser } from "@django-interop/session/auth";
 *
 * // src/app.d.ts: declare global { namespace App { interface Locals extends DjangoLocals<…> {} } }
 * const greet = async (locals: DjangoLocals<{ cart: number[] }, DjangoUser>) =>
 *   `${(await locals.user())?.username ?? "anonymous"}: ${(await locals.session.load()).get("cart")}`;
 * ```
 */
export interface DjangoLocals<T extends SessionData = SessionData, U = unknown>
  extends RequestContext<T, U> {}

/**
 * The hook {@linkcode djangoSession} returns: a SvelteKit `Handle` that remembers, for
 * {@linkcode LocalsOf}, the locals it provides (the `"~locals"` key exists in types only).
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 */
export type DjangoHandle<T extends SessionData = SessionData, U = unknown> = Handle & {
  /** Types only: what the hook puts on `event.locals`. */
  readonly "~locals"?: DjangoLocals<T, U>;
};

/**
 * The `event.locals` of a {@linkcode djangoSession} hook, typed from its options (the `user`
 * loader's result included): `interface Locals extends LocalsOf<typeof django> {}` in the app's
 * `src/app.d.ts`, where `django` is the hook.
 *
 * @typeParam H the hook's type
 * @example
 * ```ts
 * import { djangoSession, type LocalsOf } from "@django-interop/session/sveltekit";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const django = djangoSession({ backend, user: () => Promise.resolve({ username: "alice" }) });
 * const whoIs = async (locals: LocalsOf<typeof django>) => (await locals.user())?.username;
 * ```
 */
export type LocalsOf<H extends DjangoHandle<SessionData, unknown>> = NonNullable<H["~locals"]>;

/** Options of {@linkcode djangoSession}. */
export interface SvelteKitOptions<T extends SessionData = SessionData, U = unknown>
  extends RequestOptions<T, U> {
  /**
   * Which requests skip Django's CSRF check (`@csrf_exempt`), e.g. a webhook:
   * `(event) => event.url.pathname.startsWith("/hooks/")`. SvelteKit's own Origin check of form
   * posts (`kit.csrf`) still applies.
   *
   * @default undefined (every unsafe request is checked)
   */
  csrfExempt?: (event: RequestEvent) => boolean;
}

/**
 * Creates the `handle` hook. Before `resolve(event)`: `event.locals` gets the lazy session (no
 * query unless something loads it), `user()`, `csrfToken()` and `messages`; an unsafe request whose
 * Origin/Referer or CSRF token does not pass Django's check is answered 403 with Django's reason
 * (the `csrfFailure` option) and nothing resolves. After it: the messages and the CSRF cookie,
 * then the session saved when it changed and the status is below 500, its cookie set, refreshed or
 * deleted as Django does — for pages, endpoints, form actions and the `redirect()`s load functions
 * and actions throw, all of which SvelteKit answers through `resolve`.
 *
 * Put it first in `sequence(djangoSession(…), …)` so later hooks see the locals. A `redirect()`
 * thrown by a later hook is committed on the redirect SvelteKit would send, except where SvelteKit
 * answers it in JSON (data, remote-function and `use:enhance` action requests): those pass through
 * uncommitted. The session errors are answered by `errorResponse` (400, 503 with `Retry-After`,
 * 500) when a hook or the commit throws them; a load function's errors go to SvelteKit's
 * `handleError` and its 500 page, which saves nothing.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 * @param options the backend, the user loader, CSRF exemptions, the failure view, `retryAfter`
 * @returns the hook, for `export const handle` in `src/hooks.server.ts`
 * @example
 * ```ts
 * import type { RequestEvent } from "@sveltejs/kit";
 * import { djangoSession, type DjangoLocals } from "@django-interop/session/sveltekit";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const handle = djangoSession({ backend });
 * const post = (headers: Record<string, string>) => ({
 *   event: { request: new Request("http://localhost/cart", { method: "POST", headers }), locals: {} } as RequestEvent,
 *   resolve: async ({ locals }: RequestEvent) => {
 *     (await (locals as DjangoLocals).session.load()).set("cart", [1]);
 *     return new Response(null, { status: 303, headers: { location: "/cart" } });
 *   },
 * });
 * console.log((await handle(post({}))).status); // 403 (CSRF cookie not set.)
 * const saved = await handle(post({ "x-csrftoken": "a".repeat(32), cookie: `csrftoken=${"a".repeat(32)}`, origin: "http://localhost" }));
 * console.log(saved.status, saved.headers.get("set-cookie")?.startsWith("sessionid=")); // 303 true
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: SvelteKitOptions<T, U>,
): DjangoHandle<T, U> {
  return async function djangoSessionHandle({ event, resolve }) {
    const exempt = options.csrfExempt?.(event) ?? false;
    try {
      const open = await openRequest(event.request, options, exempt);
      const { session, user, csrf, messages } = open;
      const locals: DjangoLocals<T, U> = {
        session,
        user,
        csrfToken: () => csrf.csrf.token(),
        messages,
      };
      Object.assign(event.locals, locals);
      const response = csrf.ok
        ? await resolved(event, resolve)
        : await refusal(event.request, csrf, options);
      return await closeRequest(open, response);
    } catch (error) {
      return failedRequest(error, options);
    }
  };
}

/**
 * `resolve(event)`, with a `redirect()` a later hook threw turned into the response SvelteKit
 * sends for it on a page request (`redirect_response`: the status and `Location`, no body).
 */
async function resolved(
  event: RequestEvent,
  resolve: Parameters<Handle>[0]["resolve"],
): Promise<Response> {
  try {
    return await resolve(event);
  } catch (error) {
    if (!isRedirect(error) || answersInJson(event)) throw error;
    return new Response(null, { status: error.status, headers: { location: error.location } });
  }
}

/** Whether SvelteKit answers a redirect with JSON: data, remote-function and enhanced actions. */
function answersInJson(event: RequestEvent): boolean {
  const accept = event.request.headers.get("accept") ?? "";
  return event.isDataRequest || event.isRemoteRequest ||
    (event.request.method === "POST" && /^application\/json\b/.test(accept));
}

/**
 * Django's `login_required` for SvelteKit: `await loginRequired(event)` first in a `load`, a form
 * action, a `+server.ts` handler or a hook after {@linkcode djangoSession} in `sequence()`. When
 * `event.locals.user()` is `null` (give `djangoSession` its `user` option), it throws SvelteKit's
 * `redirect(302, …)` to `LOGIN_URL?next=…` exactly as Django's `redirect_to_login` builds it from
 * `event.url`, or `error(401)` with `{ api: true }`; SvelteKit answers that, and the hook commits
 * the session on it.
 *
 * @param event the request event (its `url` and `locals`)
 * @param options the login page (default `LOGIN_URL`), the redirect field, `api`
 * @returns once the user is logged in
 * @throws {Redirect} SvelteKit's redirect, for an anonymous page request
 * @throws {HttpError} SvelteKit's 401, for an anonymous request with `api`
 * @example
 * ```ts
 * import { isRedirect } from "@sveltejs/kit";
 * import { type DjangoLocals, loginRequired } from "@django-interop/session/sveltekit";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * // src/routes/orders/+page.server.ts: export const load = async (event) => { await loginRequired(event); … }
 * const session = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" }).getSession(null);
 * const locals: DjangoLocals = { session, user: async () => null, csrfToken: () => "", messages: null! };
 * // What SvelteKit hands a load function, with the hook's locals (App.Locals extends them):
 * const event = { url: new URL("http://localhost/orders/?page=2"), locals };
 * await loginRequired(event).catch((thrown) => {
 *   if (isRedirect(thrown)) console.log(thrown.status, thrown.location); // 302 /accounts/login/?next=/orders/%3Fpage%3D2
 * });
 * ```
 */
export async function loginRequired(
  event: { url: URL; locals: Pick<DjangoLocals, "session" | "user"> },
  options: LoginRequiredOptions = {},
): Promise<void> {
  const { session, user } = event.locals;
  if (await user() !== null) return;
  if (options.api) error(401, "Authentication credentials were not provided.");
  const loginUrl = options.loginUrl ?? session.settings.LOGIN_URL;
  redirect(302, loginRedirectUrl(event.url.href, loginUrl, options));
}
