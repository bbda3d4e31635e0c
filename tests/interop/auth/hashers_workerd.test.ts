/**
 * Every password hasher inside Cloudflare's runtime: `tests/workers/hashers.ts`, bundled and served
 * by workerd (the npm package's binary, plain: no `nodejs_compat`), verifies the hashes real Django
 * makes and makes hashes Django's `check_password` accepts. workerd refuses WebAssembly compiled
 * at run time, so hash-wasm cannot start there: argon2 and scrypt run on @noble/hashes and bcrypt on
 * bcryptjs, the engines Workers users get; the probe below shows it. (hash-wasm, where it runs, is
 * checked against Django by `hashers.test.ts`.) PBKDF2 also runs at each release's own iterations.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { serveWorker } from "../../_workerd.ts";
import { bothWays, cheapDjango, type OurSide } from "./_both_ways.ts";
import { P, presentHashers } from "./_hashers.ts";

/** Bun stops a test after 5 s; a cold Django on a busy machine can take longer. */
const slow = { timeout: 120_000 };

const worker = await serveWorker({ name: "hashers", bindings: {} });
after(async () => await Promise.all([worker.close(), closeDjangos()]));

/** One call to the Worker (see `Call` there); its JSON answer. */
async function call<T>(body: Record<string, unknown>): Promise<T> {
  const response = await fetch(worker.url, { method: "POST", body: JSON.stringify(body) });
  const text = await response.text();
  assert.equal(response.status, 200, `${text}\n${worker.log()}`);
  return JSON.parse(text);
}

describe("WebAssembly on workerd", () => {
  test("code generation is refused, so hash-wasm cannot run and the fallbacks serve", async () => {
    const refused =
      "CompileError: WebAssembly.compile(): Wasm code generation disallowed by embedder";
    assert.deepEqual(await call({ op: "probe" }), {
      "WebAssembly.compile": refused,
      "hash-wasm md5": refused,
      "hash-wasm argon2id": refused,
    });
  });
});

for (const version of DJANGO_VERSIONS) {
  describe(`password hashers in workerd, Django ${version}`, () => {
    const dj = cheapDjango(version);
    const inWorker = (costs: string): OurSide => ({
      verify: async (password, encoded) =>
        (await call<{ ok: boolean }>({ op: "check", version, costs, password, encoded })).ok,
      make: async (password, hasher) =>
        (await call<{ encoded: string }>({ op: "make", version, costs, password, hasher }))
          .encoded,
    });

    for (const [algorithm] of presentHashers(version)) {
      test(
        `${algorithm}: Django's hashes verify in the Worker, the Worker's in Django`,
        slow,
        () => bothWays(dj, inWorker("cheap"), algorithm),
      );
    }

    test("PBKDF2 at the release's own iterations, both ways", slow, async () => {
      // A Django of its own: the cheap one has its class attributes lowered.
      const defaults = django(version, { PASSWORD_HASHERS: [`${P}PBKDF2PasswordHasher`] });
      const theirs = await defaults.run<string>(
        `from django.contrib.auth import hashers as h\nresult = h.make_password(args)`,
        "correct horse",
      );
      const worker = inWorker("django");
      assert.equal(await worker.verify("correct horse", theirs), true, theirs);
      const mine = await worker.make("correct horse", "pbkdf2_sha256");
      assert.equal(mine.split("$")[1], theirs.split("$")[1]);
      assert.equal(
        await defaults.run(
          `from django.contrib.auth import hashers as h\nresult = h.check_password(*args)`,
          ["correct horse", mine],
        ),
        true,
      );
    });
  });
}
