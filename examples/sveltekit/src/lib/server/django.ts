// The demo's database (examples/_backend.ts: the SQLite file or DATABASE_URL) and the hook on it.
import { djangoSession } from "../../../../../src/adapters/sveltekit.ts";
import { openBackend } from "../../../../_backend.ts";

export const { backend, users, user } = await openBackend();

/** Django's Session, CSRF and Messages middleware, as a SvelteKit `handle`. */
export const django = djangoSession({ backend, user });
