// `npm run demo`: the newest Django here (6.1 once `bash .ci/setup` has prepared it, else 5.2, 4.2
// or Debian's 3.2) and the Deno, Bun, Node, Hono, Elysia, Fastify, Koa, Express, h3, SvelteKit
// and Next.js servers (SvelteKit's and Next.js's apps built first) on one database, sharing one
// browser session and its login (the demo user, DEMO_USER). SQLite (examples/db.sqlite3, Django's
// default) unless DATABASE_URL is set; ports from DJANGO_PORT, DENO_PORT, BUN_PORT, NODE_PORT,
// HONO_PORT, ELYSIA_PORT, FASTIFY_PORT, KOA_PORT, EXPRESS_PORT (8000–8008), H3_PORT (8009),
// SVELTEKIT_PORT (8011) and NEXT_PORT (8012). PYTHON (with PYTHONPATH) runs a Django of your own
// instead.
import { DATABASE_URL, DEMO_USER, HOST, SECRET_KEY, SERVERS, SQLITE_PATH } from "./_config.ts";
import { launch, migrate, newestDjango, type ServerName } from "./_launch.ts";

const django = newestDjango();
const env: Record<string, string> = {
  DJANGO_SECRET_KEY: SECRET_KEY,
  SQLITE_PATH,
  DEMO_USERNAME: DEMO_USER.username,
  DEMO_PASSWORD: DEMO_USER.password,
  ...django?.env,
  ...Object.fromEntries(
    Object.entries(SERVERS).map(([name, port]) => [`${name.toUpperCase()}_PORT`, String(port)]),
  ),
};
const names: ServerName[] = [
  "deno",
  "bun",
  "node",
  "hono",
  "elysia",
  "fastify",
  "koa",
  "express",
  "sveltekit",
  "h3",
  "next",
  "oak",
];
if (django) {
  migrate(env); // also creates the demo user
  names.unshift("django");
} else {
  console.log(
    "No Django found (set PYTHON to use another Python): run `bash .ci/setup` (Debian's packages)\n" +
      "or `pip install django`. Starting the TypeScript servers only; logging in needs Django's users.",
  );
}

const servers = await launch(names, SERVERS, env, {
  log: (name, line) => console.log(`[${name}] ${line}`),
});
console.log(
  `\nOne session and one login, shared by every server (${
    DATABASE_URL ? "PostgreSQL" : SQLITE_PATH
  }${django ? `, Django ${django.version}` : ""}):`,
);
for (const name of names) console.log(`  ${name.padEnd(6)} http://${HOST}:${SERVERS[name]}/`);
if (django) {
  console.log(
    `On any page ("log in", or Django's /admin/login/): log in as ${DEMO_USER.username} / ${DEMO_USER.password}`,
  );
  console.log("Every server then shows the user; logging out anywhere logs out everywhere.");
}
console.log("Ctrl-C stops them all.");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => servers.stop().then(() => process.exit(0)));
}
for (const [name, child] of servers.children) {
  child.once("exit", (code) => console.log(`[${name}] exited (${code})`));
}
