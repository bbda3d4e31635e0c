// GET /api/edge: a route handler on Next's Edge runtime, where no database driver runs (no `net`,
// no `fs`): Django's signed_cookies session engine works there, the session being the cookie
// itself. Its own cookie name, so that it never meets the demo's database-backed `sessionid`.
import { nextSession } from "../../../../../src/adapters/next.ts";
import { SignedCookieBackend } from "../../../../../src/stores/signed_cookies.ts";
import { SECRET_KEY } from "../../../../_config.ts";

export const runtime = "edge";

const backend = new SignedCookieBackend({ SECRET_KEY, SESSION_COOKIE_NAME: "edge_sessionid" });
const { route } = nextSession({ backend });

export const GET = route(async (_request, { session }) => {
  await session.load();
  const visits = (Number(session.get("visits_edge")) || 0) + 1;
  session.set("visits_edge", visits);
  return Response.json({ visits, runtime: typeof EdgeRuntime === "string" ? "edge" : "node" });
});

declare const EdgeRuntime: string | undefined;
