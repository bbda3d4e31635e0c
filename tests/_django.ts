/**
 * Real Django for the tests: one long-lived Python process per (Django version, settings), spoken
 * to in JSON lines (see `django/bridge.py`). Versions come from Debian: 3.2 is installed
 * system-wide, 4.2 and 5.2 are unpacked under `.cache/django/` for `/usr/bin/python3`, and 6.1 (which
 * needs Python ≥ 3.12) beside trixie's Python 3.13 in `.cache/python3.13/`, all by `.ci/django-releases`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { djangoRuntime } from "../examples/_launch.ts";

/** Every Django release the suite runs against. A missing one fails the tests; it is never skipped. */
export const DJANGO_VERSIONS = ["3.2", "4.2", "5.2", "6.1"] as const;
export type DjangoVersion = typeof DJANGO_VERSIONS[number];

const bridge = fileURLToPath(new URL("./django/bridge.py", import.meta.url));

/** The interpreter and PYTHONPATH of a release (the demo's, examples/_launch.ts), once there. */
function runtime(version: DjangoVersion): { PYTHON: string; PYTHONPATH: string } {
  const found = djangoRuntime(version);
  for (const path of [found.PYTHON, found.PYTHONPATH]) {
    if (path && !existsSync(path)) {
      throw new Error(`Django ${version} is not unpacked (no ${path}): run bash .ci/setup`);
    }
  }
  return found;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** One running Django. `run(code, args)` executes Python that sets `result`. */
export class Django {
  #child: ChildProcess;
  #pending = new Map<number, Pending>();
  #next = 0;
  #buffer = "";
  #stderr = "";

  constructor(readonly version: DjangoVersion, settings: Record<string, unknown>) {
    const { PYTHON, PYTHONPATH } = runtime(version);
    this.#child = spawn(PYTHON, [bridge, JSON.stringify(settings)], {
      env: { ...process.env, PYTHONPATH, PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.#child.stdout!.setEncoding("utf8").on("data", (chunk: string) => this.#read(chunk));
    this.#child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    this.#child.on("exit", (code) => {
      for (const { reject } of this.#pending.values()) {
        reject(new Error(`Django ${version} exited (${code}): ${this.#stderr}`));
      }
      this.#pending.clear();
    });
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    let newline;
    while ((newline = this.#buffer.indexOf("\n")) >= 0) {
      const answer = JSON.parse(this.#buffer.slice(0, newline));
      this.#buffer = this.#buffer.slice(newline + 1);
      const pending = this.#pending.get(answer.id)!;
      this.#pending.delete(answer.id);
      if (answer.ok) pending.resolve(answer.result);
      else {pending.reject(
          new Error(`Django ${this.version}: ${answer.error}\n${answer.traceback}`),
        );}
    }
  }

  /** Runs Python with `args` in scope; resolves with what it left in `result`. */
  run<T = unknown>(code: string, args: unknown = null): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      // a Django that exited (bad settings, missing driver) fails each later run, never hangs it
      if (this.#child.exitCode !== null) {
        return reject(new Error(`Django ${this.version} exited: ${this.#stderr}`));
      }
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.stdin!.write(JSON.stringify({ id, code, args }) + "\n");
    });
  }

  /** Ends the process (stdin closed: the bridge's loop ends). */
  close(): Promise<void> {
    if (this.#child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.#child.once("exit", () => resolve());
      this.#child.stdin!.end();
    });
  }
}

const running = new Map<string, Django>();

/** The shared Django process for this version and settings, started on first use. */
export function django(version: DjangoVersion, settings: Record<string, unknown> = {}): Django {
  const key = version + JSON.stringify(settings);
  let found = running.get(key);
  if (!found) running.set(key, found = new Django(version, settings));
  return found;
}

/** Stops every Django this test file started; call it from `after()`. */
export async function closeDjangos(): Promise<void> {
  await Promise.all([...running.values()].map((d) => d.close()));
  running.clear();
}

/** Django `DATABASES["default"]` for the PostgreSQL on this machine, in one schema. */
export function postgresDatabase(schema: string): Record<string, unknown> {
  return {
    ENGINE: "django.db.backends.postgresql",
    NAME: "test",
    USER: "postgres",
    HOST: "127.0.0.1",
    PORT: "5432",
    OPTIONS: { options: `-c search_path=${schema}` },
  };
}

/** Django `DATABASES["default"]` for a SQLite file. */
export function sqliteDatabase(path: string): Record<string, unknown> {
  return { ENGINE: "django.db.backends.sqlite3", NAME: path };
}

/** Python for `Django.run`: Django's db `SessionStore` saves the dict `args` as a new session. */
export const DJANGO_DB_CREATE = `
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore()
s.update(args)
s.save()
result = s.session_key
`;

/**
 * Python for `Django.run`: what Django's db `SessionStore` loads under the key `args`, the row's
 * `expire_date` (ISO, or null without a row) and the key Django keeps (null once it drops it).
 */
export const DJANGO_DB_LOAD = `
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(args)
row = s.model.objects.filter(pk=args).first()
result = [dict(s), row and row.expire_date.isoformat(), s.session_key]
`;

/**
 * Python for `Django.run`: Django's own `login` (of `args.username`, created if missing),
 * `logout` or nothing (`args.do`) on the db session `args.key`; then the key and the user Django
 * sees.
 */
export const DJANGO_AUTH = `
from django.contrib.auth import get_user, login, logout
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
r = RequestFactory().get("/")
r.session = SessionStore(args["key"])
if args["do"] == "login":
    login(r, User.objects.get_or_create(username=args["username"])[0])
    r.session.save()
if args["do"] == "logout":
    logout(r)
u = get_user(r)
result = {"key": r.session.session_key, "user": u.username if u.is_authenticated else None}
`;
