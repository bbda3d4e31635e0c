/**
 * The unit tier needs nothing but a runtime: this runs it (`npm run test:unit`'s command for the
 * runtime running this file) where there is no network at all (a new network namespace: no
 * PostgreSQL, MariaDB or Redis to reach) and no Django (the system's and the suite's Django
 * folders hidden under empty mounts), after checking that both are really gone. tests/unit's
 * tier.test.ts guards the imports; this shows the tier passing without them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const runtime = process.execPath;
const versions = process.versions as Record<string, string | undefined>;

/** `npm run test:unit`'s command for the runtime running this file, and how it counts passes. */
function unitTier(): { command: string[]; passed: RegExp } {
  if (versions.deno) {
    return { command: [runtime, "test", "-A", "tests/unit/"], passed: /ok \| (\d+) passed/ };
  }
  if (versions.bun) {
    const command = ["env", "TEST_TIER=unit", runtime, "test", "./bun.test.ts"];
    return { command, passed: /^\s*(\d+) pass$/m };
  }
  const files = "$(find tests/unit -name '*.test.ts' | sort)";
  return {
    command: ["sh", "-c", `'${runtime}' --import tsx --test ${files}`],
    passed: /^# pass (\d+)$/m,
  };
}

/** Exits 0 only when Django cannot be imported and PostgreSQL cannot be reached. */
const PROBE = [
  "! /usr/bin/python3 -c 'import django' 2>/dev/null",
  "! python3 -c 'import django' 2>/dev/null",
  "! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null",
  "! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null",
].join(" && ");

/** Runs `command` in new mount and network namespaces with Django's folders hidden. */
function isolated(command: string[]) {
  const hide = ["/usr/lib/python3/dist-packages", `${root}.cache`]
    .map((dir) => `mount -t tmpfs tmpfs '${dir}'`).join(" && ");
  const quoted = command.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  const script = `mount --make-rprivate / && ${hide} && ${PROBE} && echo isolated && ${quoted}`;
  // Without NODE_TEST_CONTEXT: a `node --test` inside a node:test file would skip its files.
  // NO_COLOR: the pass counts are read from plain text.
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const env = { ...inherited, NO_COLOR: "1", FORCE_COLOR: "0" };
  return spawnSync("unshare", ["--net", "--mount", "bash", "-c", script], {
    cwd: root,
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
}

test("the probe sees this machine's Django and PostgreSQL outside the namespaces", () => {
  const outside = spawnSync("bash", ["-c", PROBE], { encoding: "utf8" });
  assert.notEqual(
    outside.status,
    0,
    "Django and PostgreSQL are reachable here, so the probe can fail",
  );
});

test("the unit tier passes with no network and no Django", { timeout: 300_000 }, () => {
  const { command, passed } = unitTier();
  const run = isolated(command);
  // deno-lint-ignore no-control-regex
  const output = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  assert.match(output, /^isolated$/m, `isolation failed:\n${output.slice(-3000)}`);
  assert.equal(run.status, 0, output.slice(-6000));
  const count = Number(passed.exec(output)?.[1] ?? 0);
  assert.ok(count >= 50, `${count} unit tests passed:\n${output.slice(-3000)}`);
});
