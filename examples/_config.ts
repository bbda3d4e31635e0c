/**
 * Settings every example server reads from the environment, with the demo's defaults: the shared
 * Django SECRET_KEY, the database, and the port of each server (the pages link to each other; one
 * host, so the browser sends the same `sessionid` cookie to every port).
 */

const env: Record<string, string | undefined> = (globalThis as {
  process?: { env: Record<string, string | undefined> };
}).process?.env ?? {};

/** Django's SECRET_KEY, shared with examples/django_app.py. */
export const SECRET_KEY = env.DJANGO_SECRET_KEY ?? "django-insecure-demo-key-change-me";

/** The Django release the site runs (the `djangoVersion` setting); unset, our default. */
export const DJANGO_VERSION = env.DJANGO_VERSION;

/**
 * Django's `MESSAGE_STORAGE` (examples/django_app.py reads the same variable); unset, Django's
 * default `FallbackStorage`. A Next Server Action can add messages only with `SessionStorage`.
 */
export const MESSAGE_STORAGE = env.DJANGO_MESSAGE_STORAGE;

/** PostgreSQL URL; when unset the examples use the SQLite file, as Django does by default. */
export const DATABASE_URL = env.DATABASE_URL;

/**
 * The SQLite file (Django's `db.sqlite3`) beside this file. Not `new URL("./db.sqlite3",
 * import.meta.url)`: Next's bundler takes that for an asset to bundle, and fails without the file.
 */
export const SQLITE_PATH = env.SQLITE_PATH ??
  new URL(import.meta.url.replace(/[^/]*$/, "db.sqlite3")).pathname;

/** The example servers, their default ports and the variable that changes each. */
export const SERVERS = {
  django: Number(env.DJANGO_PORT ?? 8000),
  deno: Number(env.DENO_PORT ?? 8001),
  bun: Number(env.BUN_PORT ?? 8002),
  node: Number(env.NODE_PORT ?? 8003),
  hono: Number(env.HONO_PORT ?? 8004),
  elysia: Number(env.ELYSIA_PORT ?? 8005),
  fastify: Number(env.FASTIFY_PORT ?? 8006),
  koa: Number(env.KOA_PORT ?? 8007),
  express: Number(env.EXPRESS_PORT ?? 8008),
  sveltekit: Number(env.SVELTEKIT_PORT ?? 8011),
  h3: Number(env.H3_PORT ?? 8009),
  next: Number(env.NEXT_PORT ?? 8012),
  oak: Number(env.OAK_PORT ?? 8010),
};

/**
 * The user examples/django_app.py creates when it migrates (if missing), to log in with on any page:
 * the TypeScript servers' "/login" or Django's admin. DEMO_USERNAME and DEMO_PASSWORD change it.
 */
export const DEMO_USER = {
  username: env.DEMO_USERNAME ?? "demo",
  password: env.DEMO_PASSWORD ?? "demo-password",
};

/** The host every server listens on. */
export const HOST = "127.0.0.1";
