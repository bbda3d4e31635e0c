// One nextSession for the whole app, on the demo's backend (examples/_backend.ts: the SQLite file,
// or PostgreSQL when DATABASE_URL is set). `next start` runs in examples/next, so the SQLite file
// defaults to examples/db.sqlite3, where Django and the other servers find it.
import { nextSession } from "../../../src/adapters/next.ts";
import { openBackend } from "../../_backend.ts";

export const { backend, users, user } = await openBackend();
export const { route, read, save, proxy, loginRequired } = nextSession({
  backend,
  user,
});
