#!/usr/bin/env node
/**
 * The `async-django-session` command: `inspect` a cookie or token, `doctor` a setup,
 * `clearsessions`. Runs on Node (`npx async-django-session`), Bun (`bunx async-django-session`) and
 * Deno (`deno run -A jsr:@django-interop/session/cli`).
 *
 * Exit codes: 0 everything verified; 1 something is wrong (the output says what); 2 a usage error;
 * 3 the database could not be reached.
 *
 * @example
 * ```sh
 * DJANGO_SECRET_KEY=… npx async-django-session inspect 'eyJhIjoxfQ:1r31eq:…'
 * npx async-django-session doctor --database-url postgres://app@127.0.0.1/mysite --cookie abc…
 * npx async-django-session clearsessions --database-url db.sqlite3
 * ```
 *
 * @module
 */
import { type FlagSpec, parseArgs, type Parsed, UsageError } from "./args.ts";
import { openDatabase } from "./database.ts";
import { doctor } from "./doctor.ts";
import { currentHost, type Host } from "./host.ts";

export type { Host } from "./host.ts";
import { inspectValue, type Keys } from "./inspect.ts";
import { exitCode, type Finding, print } from "./output.ts";

const KEY_FLAGS: FlagSpec = {
  "secret-key": "value",
  fallback: "repeat",
  "store-class": "value",
  json: true,
  help: true,
};

const HELP: Record<string, string> = {
  "": `usage: async-django-session <command> [options]

commands:
  inspect VALUE        what a cookie, session_data, signed cookie or token is, or why it fails
  doctor               check a database's django_session (and auth_user) against your keys
  clearsessions        delete expired sessions, as Django's manage.py clearsessions

Run \`async-django-session <command> --help\` for its options. Exit codes: 0 ok, 1 a problem was
found, 2 usage error, 3 the database could not be reached.`,
  inspect: `usage: async-django-session inspect VALUE [options]

  --secret-key KEY      SECRET_KEY (default: $DJANGO_SECRET_KEY)
  --fallback KEY        one of SECRET_KEY_FALLBACKS; repeatable (default: $DJANGO_SECRET_KEY_FALLBACKS,
                        comma-separated)
  --salt SALT           the salt of a signing.dumps token (default: Django's usual salts are tried)
  --store-class NAME    the SessionStore class name that salts session data (default: SessionStore)
  --max-age SECONDS     report a timestamped value older than this as expired
  --json                machine-readable output`,
  doctor: `usage: async-django-session doctor --database-url URL [options]

  --database-url URL    postgres://…, mysql://…, sqlite:///path or a SQLite file
  --cookie VALUE        a sessionid cookie value to follow to its user
  --secret-key KEY, --fallback KEY, --store-class NAME, --json   as for inspect`,
  clearsessions: `usage: async-django-session clearsessions --database-url URL [--json]

  Deletes the sessions whose expire_date has passed and prints how many.`,
};

function keysOf(host: Host, flags: Parsed["flags"]): Keys {
  const secretKey = (flags["secret-key"] as string | undefined) ?? host.env("DJANGO_SECRET_KEY");
  if (!secretKey) {
    throw new UsageError("give the SECRET_KEY with --secret-key or DJANGO_SECRET_KEY");
  }
  const fallbacks = (flags.fallback as string[] | undefined) ??
    (host.env("DJANGO_SECRET_KEY_FALLBACKS") ?? "").split(",").filter(Boolean);
  const maxAge = flags["max-age"] === undefined ? undefined : Number(flags["max-age"]);
  if (maxAge !== undefined && !Number.isFinite(maxAge)) {
    throw new UsageError("--max-age takes seconds");
  }
  return {
    secretKey,
    fallbacks,
    salt: flags.salt as string | undefined,
    storeClass: (flags["store-class"] as string | undefined) ?? "SessionStore",
    maxAge,
    maxDecompressedBytes: 1 << 20,
  };
}

async function inspectCommand(host: Host, { positionals, flags }: Parsed): Promise<number> {
  if (positionals.length !== 1) throw new UsageError("inspect takes one VALUE");
  const result = await inspectValue(positionals[0], keysOf(host, flags));
  const findings: Finding[] = [{ level: result.ok ? "ok" : "error", text: result.format }];
  if (result.key) {
    findings.push({
      level: "info",
      text: `verified by ${result.key}, salt ${result.salt ?? "(legacy)"}`,
    });
  }
  if (result.signedAt) {
    findings.push({
      level: "info",
      text: `signed at ${result.signedAt} (${result.ageSeconds} s ago)`,
    });
  }
  if (result.data !== undefined) {
    findings.push({ level: "info", text: `data: ${JSON.stringify(result.data)}` });
  }
  if (result.auth) findings.push({ level: "info", text: `auth: ${JSON.stringify(result.auth)}` });
  if (result.problem) findings.push({ level: result.ok ? "warn" : "error", text: result.problem });
  print(host, { ...result, findings }, Boolean(flags.json));
  return exitCode(findings);
}

async function withDatabase(
  host: Host,
  flags: Parsed["flags"],
  run: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<Finding[]>,
): Promise<number> {
  const url = flags["database-url"] as string | undefined;
  if (!url) throw new UsageError("give the database with --database-url");
  let db;
  try {
    db = await openDatabase(host, url);
    await db.rows("SELECT 1");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    await db?.close().catch(() => {});
    print(host, {
      findings: [{
        level: "error",
        text: `cannot reach ${redact(url)}: ${(error as Error).message}`,
      }],
    }, Boolean(flags.json));
    return 3;
  }
  try {
    const findings = await run(db);
    print(host, { findings }, Boolean(flags.json));
    return exitCode(findings);
  } finally {
    await db.close();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

const COMMANDS: Record<string, [FlagSpec, (host: Host, parsed: Parsed) => Promise<number>]> = {
  inspect: [{ ...KEY_FLAGS, salt: "value", "max-age": "value" }, inspectCommand],
  doctor: [
    { ...KEY_FLAGS, "database-url": "value", cookie: "value" },
    (host, { flags }) =>
      withDatabase(host, flags, (db) => doctor(db, keysOf(host, flags), flags.cookie as string)),
  ],
  clearsessions: [
    { "database-url": "value", json: true, help: true },
    (host, { flags }) =>
      withDatabase(host, flags, async (db) => {
        // Deleting needs no key: clear_expired never decodes.
        const removed = await db.backend({ SECRET_KEY: "clearsessions" }).clearExpired();
        return [{ level: "ok", text: `deleted ${removed} expired sessions` }];
      }),
  ],
};

/**
 * Runs the command line.
 *
 * @param host the runtime
 * @returns the exit code
 */
export async function main(host: Host): Promise<number> {
  const [name = "", ...rest] = host.args;
  const command = COMMANDS[name];
  if (!command) {
    host.write(HELP[""] + "\n");
    return name === "" || name === "--help" || name === "help" ? 0 : 2;
  }
  try {
    const parsed = parseArgs(rest, command[0]);
    if (parsed.flags.help) {
      host.write(HELP[name] + "\n");
      return 0;
    }
    return await command[1](host, parsed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    host.error(`async-django-session ${name}: ${error.message}\n${HELP[name]}\n`);
    return 2;
  }
}

const host = currentHost();
host.exit(await main(host));
