/**
 * The view both test workers serve: it answers with the session it was given, then applies the
 * request's `x-set` JSON to it, so one request shows what the other side wrote and writes back.
 */
import type { SessionContext } from "../../src/http/with_session.ts";

/** Reports the session, then updates it from `x-set` (a JSON object) when the header is present. */
export async function view(request: Request, { session }: SessionContext): Promise<Response> {
  await session.load();
  const seen = Object.fromEntries(session.entries());
  const set = request.headers.get("x-set");
  if (set) session.update(JSON.parse(set));
  if (new URL(request.url).pathname === "/logout") await session.flush();
  return Response.json(seen);
}
