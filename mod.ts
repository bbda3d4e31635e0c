/**
 * Share Django sessions with Deno, Bun and Node services: read what Django wrote, write what Django
 * reads back, and know which Django user is logged in.
 *
 * @module
 */

export * from "./src/errors.ts";
export type { SessionData, SessionStore } from "./src/session/store.ts";
