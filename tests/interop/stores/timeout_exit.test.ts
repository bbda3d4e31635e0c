/**
 * Store calls on Deno, Bun and Node share one timer per timeout (src/stores/timeout.ts): once every
 * call has settled, no timer may be left to hold the process. A process that saved and loaded a
 * session on PostgreSQL under a 60-second timeout, then ended its client, exits by itself — well
 * before those 60 seconds, after which spawnSync would have killed it.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { postgresSchema } from "../../_postgres.ts";
import { runtimeCommand } from "../../_runtime.ts";

const CHILD = fileURLToPath(new URL("./_settled_exit.ts", import.meta.url));

const schema = await postgresSchema("exit");
after(() => schema.drop());

test("a process whose store calls all settled exits without waiting for their timeout", () => {
  const [command, args] = runtimeCommand(CHILD, schema.name);
  const child = spawnSync(command, args, { encoding: "utf8", timeout: 30_000 });
  assert.equal(child.signal, null, "killed: a timer held the process after its calls settled");
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), "settled");
});
