// better-sqlite3 ships no types (examples/_backend.ts opens it on Node 20 and reads it through our
// SqliteDatabase interface), and svelte-check checks every file the app imports.
declare module "better-sqlite3";
