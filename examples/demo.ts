// `npm run demo`: the Django site and the Deno, Bun, Node, Hono and Express servers on one database,
// sharing one browser session. SQLite (examples/db.sqlite3, Django's default) unless DATABASE_URL is
// set; ports from DJANGO_PORT, DENO_PORT, BUN_PORT, NODE_PORT, HONO_PORT, EXPRESS_PORT (8000–8005).
import { DATABASE_URL, HOST, SECRET_KEY, SERVERS, SQLITE_PATH } from "./_config.ts";
import { djangoInstalled, launch, migrate, type ServerName } from "./_launch.ts";

const env: Record<string, string> = {
  DJANGO_SECRET_KEY: SECRET_KEY,
  SQLITE_PATH,
  ...Object.fromEntries(
    Object.entries(SERVERS).map(([name, port]) => [`${name.toUpperCase()}_PORT`, String(port)]),
  ),
};
const names: ServerName[] = ["deno", "bun", "node", "hono", "express"];
if (djangoInstalled()) {
  migrate(env);
  names.unshift("django");
} else {
  console.log(
    "Django is not installed for /usr/bin/python3 (set PYTHON to use another): run `bash .ci/setup`\n" +
      "(Debian's python3-django) or `pip install django`. Starting the TypeScript servers only.",
  );
}

const servers = await launch(names, SERVERS, env, {
  log: (name, line) => console.log(`[${name}] ${line}`),
});
console.log(
  `\nOne session, shared by every server (${DATABASE_URL ? "PostgreSQL" : SQLITE_PATH}):`,
);
for (const name of names) console.log(`  ${name.padEnd(6)} http://${HOST}:${SERVERS[name]}/`);
console.log("Ctrl-C stops them all.");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => servers.stop().then(() => process.exit(0)));
}
for (const [name, child] of servers.children) {
  child.once("exit", (code) => console.log(`[${name}] exited (${code})`));
}
