/**
 * The form half of a request: `csrfmiddlewaretoken` read from a clone of a fetch-style body, or
 * from the body a framework's parser already made, only for the content types Django parses into
 * `request.POST`, so the handler can still read the body.
 *
 * @module
 */

/** Django fills `request.POST` for these two content types only. */
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** Django's hidden-input name (`{% csrf_token %}`). */
export const CSRF_FORM_FIELD = "csrfmiddlewaretoken";

/**
 * Whether Django parses a body of this `Content-Type` into `request.POST` (a urlencoded or
 * multipart form), i.e. whether a `csrfmiddlewaretoken` field can be in it.
 *
 * @param contentType the request's `Content-Type`, or `null`
 * @returns `true` for a form
 * @example
 * ```ts
 * import { isFormBody } from "@django-interop/session/csrf";
 * console.log(isFormBody("multipart/form-data; boundary=x"), isFormBody("application/json")); // true false
 * ```
 */
export function isFormBody(contentType: string | null | undefined): boolean {
  return FORM_TYPES.has((contentType ?? "").split(";")[0].trim().toLowerCase());
}

/**
 * A reader of the request's `csrfmiddlewaretoken`, for `csrfCheck`'s `formToken`: it parses a
 * clone of the body, once, when called — `csrfCheck` calls it only for a POST that reaches the
 * token check. The last field wins and a file counts as none, as in Django's `request.POST.get`;
 * a body that does not parse gives `null` (the header is tried next).
 *
 * @param request the incoming request
 * @returns the reader
 * @example
 * ```ts
 * import { formTokenReader } from "@django-interop/session/csrf";
 * const request = new Request("http://x/", {
 *   method: "POST",
 *   body: new URLSearchParams({ csrfmiddlewaretoken: "abc" }),
 * });
 * console.log(await formTokenReader(request)(), await request.text()); // abc csrfmiddlewaretoken=abc
 * ```
 */
export function formTokenReader(request: Request): () => Promise<string | null> {
  return async () => {
    if (!isFormBody(request.headers.get("content-type")) || request.body === null) return null;
    try {
      const value = (await request.clone().formData()).getAll(CSRF_FORM_FIELD).at(-1);
      return typeof value === "string" ? value : null;
    } catch {
      return null;
    }
  };
}

/**
 * The `csrfmiddlewaretoken` of a body a framework's parser already made (`ctx.request.body` from
 * `@koa/bodyparser`, `req.body` from `express.urlencoded()`, multer's fields): the field's string,
 * the last one when the parser made an array of a repeated field, as Django's `request.POST.get`;
 * `null` for any other content type than a form (a JSON body's field is no form token in Django),
 * for no parsed body, or for a value that is no string.
 *
 * @param contentType the request's `Content-Type`
 * @param body the parsed body, or `undefined` when no parser ran
 * @returns the token, or `null`
 * @example
 * ```ts
 * import { parsedFormToken } from "@django-interop/session/csrf";
 * const body = { csrfmiddlewaretoken: ["stale", "abc"] };
 * console.log(parsedFormToken("application/x-www-form-urlencoded", body)); // abc
 * console.log(parsedFormToken("application/json", body)); // null
 * ```
 */
export function parsedFormToken(
  contentType: string | null | undefined,
  body: unknown,
): string | null {
  if (!isFormBody(contentType) || typeof body !== "object" || body === null) return null;
  const field: unknown = (body as Record<string, unknown>)[CSRF_FORM_FIELD];
  const value = Array.isArray(field) ? field.at(-1) : field;
  return typeof value === "string" ? value : null;
}
