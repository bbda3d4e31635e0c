/**
 * The form half of a fetch-style request: `csrfmiddlewaretoken` read from a clone of the body, only
 * for the content types Django parses into `request.POST`, so the handler can still read the body.
 *
 * @module
 */

/** Django fills `request.POST` for these two content types only. */
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** Django's hidden-input name (`{% csrf_token %}`). */
export const CSRF_FORM_FIELD = "csrfmiddlewaretoken";

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
    if (!isForm(request.headers.get("content-type")) || request.body === null) return null;
    try {
      const value = (await request.clone().formData()).getAll(CSRF_FORM_FIELD).at(-1);
      return typeof value === "string" ? value : null;
    } catch {
      return null;
    }
  };
}

/**
 * The `csrfmiddlewaretoken` of a body the framework already parsed (Express's
 * `express.urlencoded()` or multer, `@fastify/formbody`, `@koa/bodyparser`), for `csrfCheck`'s
 * `formToken`: read only for the two content types Django parses into `request.POST`, so a JSON
 * body's field is no token (as in Django); the last of repeated fields, a string only.
 *
 * @param contentType the request's `Content-Type` header
 * @param body the parsed body (an object of fields, a value or a list of values each)
 * @returns the token, or `null`
 * @example
 * ```ts
 * import { parsedFormToken } from "@django-interop/session/csrf";
 * const fields = { csrfmiddlewaretoken: ["old", "new"] };
 * console.log(parsedFormToken("application/x-www-form-urlencoded", fields)); // new
 * console.log(parsedFormToken("application/json", fields)); // null
 * ```
 */
export function parsedFormToken(
  contentType: string | null | undefined,
  body: unknown,
): string | null {
  if (!isForm(contentType) || typeof body !== "object" || body === null) return null;
  const value: unknown = (body as Record<string, unknown>)[CSRF_FORM_FIELD];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof last === "string" ? last : null;
}

function isForm(contentType: string | null | undefined): boolean {
  return FORM_TYPES.has((contentType ?? "").split(";")[0].trim().toLowerCase());
}
