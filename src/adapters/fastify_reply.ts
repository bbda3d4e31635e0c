/**
 * What the Fastify plugin (`./fastify`) writes on the reply: the commit's headers, and the plain-text
 * answer (400, 503 with `Retry-After`, 500) that replaces the reply when opening the session, the
 * handler or the commit failed with a session error.
 *
 * @module
 */
import type { FastifyReply } from "fastify";
import type { HeaderUpdate } from "../http/respond.ts";
import {
  type ErrorResponseOptions,
  type ErrorStatus,
  errorStatus,
} from "../http/error_response.ts";

/** Sets the commit's headers, each replacing the reply's own. */
export function setHeaders(reply: FastifyReply, updates: HeaderUpdate[]): void {
  for (const [header, value] of updates) {
    reply.removeHeader(header); // Fastify's header() appends to an existing Set-Cookie
    reply.header(header, value);
  }
}

/** The commit threw: the answer to a session error, or the error to Fastify. */
export function failedCommit(
  reply: FastifyReply,
  payload: unknown,
  error: unknown,
  options: ErrorResponseOptions,
  done: (error: Error | null, payload?: unknown) => void,
): void {
  const answer = errorStatus(error, options);
  if (answer) done(null, replaced(reply, payload, answer));
  else done(error as Error);
}

/** A session error while opening (the store is down with `CSRF_USE_SESSIONS`): its answer. */
export function answerError(
  reply: FastifyReply,
  error: unknown,
  options: ErrorResponseOptions,
  done: (error?: Error) => void,
): void {
  const answer = errorStatus(error, options);
  if (answer) reply.send(replaced(reply, null, answer));
  else done(error as Error);
}

/** Turns the reply into the plain-text answer to a session error (a new response, as Django's). */
export function replaced(
  reply: FastifyReply,
  payload: unknown,
  answer: ErrorStatus,
): string {
  (payload as { destroy?: () => void } | null)?.destroy?.(); // a stream nobody will read
  for (const header of Object.keys(reply.getHeaders())) reply.removeHeader(header);
  reply.code(answer.status).headers({
    ...answer.headers,
    "content-type": "text/plain; charset=utf-8",
  });
  return answer.body;
}
