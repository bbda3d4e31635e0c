/**
 * The Express middleware's "after" step, run at the response's first write (held_response.ts):
 * `closeHeaders` (the messages' cookies, the CSRF cookie, then the session's commit, in Django's
 * order) set on the response, or an error page when the commit failed; then the session is
 * watched for changes that came too late to reach the cookie. Plain functions, no closures per
 * request.
 *
 * @module
 */
import { SessionChangedAfterHeaders } from "../errors.ts";
import type { HeaderUpdate } from "../http/respond.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import type { NodeResponse, Replacement } from "./held_response.ts";
import { errorPage, type ErrorPageOptions } from "./express_errors.ts";
import { closeHeaders, type OpenRequest } from "./request.ts";

/** What every request's commit shares. */
export interface Commit {
  /** How a failed commit is answered. */
  pages: ErrorPageOptions;
  /** Where the errors the response can no longer report go. */
  onError: (error: unknown) => void;
}

/** The request, as the late-change report names it. */
interface Named {
  method?: string;
  url?: string;
}

/**
 * The commit at the response's first write: synchronous (no promise) when nothing is saved, so
 * the held response leaves at once.
 *
 * @param commit the shared options
 * @param open the request's session, CSRF and messages state
 * @param req the request (for the late-change report)
 * @param res the response, its headers not sent yet
 * @param status the status about to be sent
 * @returns `null` once the headers are set, or the error page to send instead
 */
export function committed<T extends SessionData, U>(
  commit: Commit,
  open: OpenRequest<T, U>,
  req: Named,
  res: NodeResponse,
  status: number,
): Replacement | null | Promise<Replacement | null> {
  if (status < 200) return null; // an upgrade or informational answer has no cookie
  const session = open.session as Session<SessionData>;
  const modifiedAtDecision = session.modified;
  let updates: HeaderUpdate[] | Promise<HeaderUpdate[]>;
  try {
    updates = closeHeaders(open, status, (name) => res.getHeader(name));
  } catch (error) {
    return failed(commit, error);
  }
  if (!(updates instanceof Promise)) {
    return applied(commit, req, res, session, updates, modifiedAtDecision, status);
  }
  return updates.then(
    (done) => applied(commit, req, res, session, done, modifiedAtDecision, status),
    (error) => failed(commit, error),
  );
}

function failed(commit: Commit, error: unknown): Replacement {
  commit.onError(error);
  return errorPage(error, commit.pages);
}

/** Sets `Set-Cookie` (the handler's cookies kept, ours replacing its own of our names) and `Vary`. */
function applied(
  commit: Commit,
  req: Named,
  res: NodeResponse,
  session: Session<SessionData>,
  updates: HeaderUpdate[],
  modifiedAtDecision: boolean,
  status: number,
): null {
  for (const [name, value] of updates) res.setHeader(name, value);
  // A 5xx saves nothing, in Django too: a change after it loses nothing Django would have kept.
  if (status < 500) watchLateChanges(req, res, session, modifiedAtDecision, commit.onError);
  return null;
}

/** Reports a change made after the commit read the flags: it cannot reach the cookie any more. */
function watchLateChanges(
  req: Named,
  res: NodeResponse,
  session: Session<SessionData>,
  modifiedAtDecision: boolean,
  onError: (error: unknown) => void,
): void {
  const { modified, key } = session;
  // `modified` still set although it was not at the decision: changed while the commit ran.
  if (modified && !modifiedAtDecision) return onError(lateChange(req));
  res.once("close", () => {
    if ((session.modified && !modified) || session.key !== key) onError(lateChange(req));
  });
}

function lateChange(req: Named): SessionChangedAfterHeaders {
  return new SessionChangedAfterHeaders(`${req.method} ${req.url}`);
}
