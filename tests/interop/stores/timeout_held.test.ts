/**
 * The shared store timer lets the process go once every call has settled (timeout_exit.test.ts),
 * and holds it again for the next call: a call that never answers still fails with
 * `StoreUnavailable` at its timeout, in a process with nothing else to wait for.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtimeCommand } from "../../_runtime.ts";

const CHILD = fileURLToPath(new URL("./_pending_held.ts", import.meta.url));

test("a pending store call holds the process until its timeout fails it", () => {
  const [command, args] = runtimeCommand(CHILD);
  const child = spawnSync(command, args, { encoding: "utf8", timeout: 30_000 });
  assert.equal(child.signal, null, "killed: the process was held past the call's timeout");
  assert.equal(child.stdout.trim(), "StoreUnavailable", child.stderr);
  assert.equal(child.status, 0, child.stderr);
});
