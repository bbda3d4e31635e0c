// A NestJS 11 app compiled to CommonJS (tsc, `module: commonjs`, classic `node` resolution, as Nest's
// starter sets it up) requires the BUILT package by name — `npm run build` first — and answers through
// `djangoSession` applied with Nest's MiddlewareConsumer (`forRoutes("*")`); real Django reads the
// cookie it set, and Django's CSRF check runs on the body Nest's own parser read. Node's
// require() of our ES modules is what is tested (Node ≥ 20.19 / 22.12, see package.json engines).
//
// Registered under Node only: it builds and runs Node processes itself, so running it from the Deno
// and Bun runners would only repeat the same build.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
const root = fileURLToPath(new URL("../../../", import.meta.url));
const SECRET_KEY = "django-insecure-nest-test";
const TSCONFIG = {
  compilerOptions: {
    module: "commonjs",
    moduleResolution: "node",
    target: "ES2021",
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    types: ["node"],
    outDir: "out",
  },
  files: ["main.ts"],
};
const DJANGO_READ = `
from django.contrib.sessions.backends.signed_cookies import SessionStore
result = dict(SessionStore(session_key=args).items())
`;

function run(command: string, args: string[], cwd: string): void {
  const done = spawnSync(command, args, { cwd, encoding: "utf8" });
  assert.equal(done.status, 0, `${command} ${args.join(" ")}:\n${done.stdout}${done.stderr}`);
}

/** Starts the compiled app; resolves with its URL (its first line of output). */
function serve(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["out/main.js"], {
    cwd: dir,
    env: { ...process.env, SECRET_KEY },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (output.includes("\n")) resolve({ child, url: output.split("\n")[0].trim() });
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => output += chunk);
    child.once("exit", (code) => reject(new Error(`the Nest app exited (${code}): ${output}`)));
  });
}

if (!runtime.Bun && !runtime.Deno) {
  describe("a NestJS 11 app compiled to CommonJS uses ./express from dist", () => {
    let dir: string;
    let app: { child: ChildProcess; url: string };
    before(async () => {
      run("npm", ["run", "build"], root);
      dir = mkdtempSync(join(root, "tests/interop/adapters/.nest-"));
      // The package installed as a dependency would be: node_modules/<name> → the package root.
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(root, join(dir, "node_modules/async-django-session"), "dir");
      copyFileSync(new URL("./nest_app/main.ts", import.meta.url), join(dir, "main.ts"));
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
      run(join(root, "node_modules/.bin/tsc"), ["-p", "."], dir);
      app = await serve(dir);
    }, { timeout: 120_000 });
    after(async () => {
      app?.child.kill();
      await closeDjangos();
      rmSync(dir, { recursive: true, force: true });
    });

    test("the middleware counts in a signed-cookie session Django reads", async () => {
      const first = await fetch(`${app.url}/count`);
      assert.deepEqual(await first.json(), { nest: 1 });
      assert.equal(first.headers.get("vary"), "Cookie");
      const cookie = first.headers.get("set-cookie")!.split(";")[0];
      const second = await fetch(`${app.url}/count`, { headers: { cookie } });
      assert.deepEqual(await second.json(), { nest: 2 });
      const value = second.headers.get("set-cookie")!.split(";")[0].slice("sessionid=".length);
      for (const version of DJANGO_VERSIONS) {
        assert.deepEqual(await django(version, { SECRET_KEY }).run(DJANGO_READ, value), {
          nest: 2,
        });
      }
    });

    test("CSRF: the form's token passes, none is refused, an exempt path passes", async () => {
      const page = await fetch(`${app.url}/form`);
      const token = (await page.text()).match(/value="(\w+)"/)![1];
      const cookie = page.headers.get("set-cookie")!.split(";")[0];
      const post = (path: string, body: string) =>
        fetch(`${app.url}${path}`, {
          method: "POST",
          headers: {
            cookie,
            origin: app.url,
            "content-type": "application/x-www-form-urlencoded",
          },
          body,
        });
      const passed = await post("/protected", `csrfmiddlewaretoken=${token}`);
      assert.deepEqual([passed.status, await passed.text()], [201, "ok"]);
      const refused = await post("/protected", "");
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /\n\nCSRF token missing\.\n$/);
      const hook = await post("/hooks/payment", "");
      assert.deepEqual([hook.status, await hook.text()], [201, "received"]);
    });

    test("a route that ignores the session sends no cookie", async () => {
      const response = await fetch(`${app.url}/static`);
      assert.equal(await response.text(), "static");
      assert.equal(response.headers.get("set-cookie"), null);
    });
  });
}
