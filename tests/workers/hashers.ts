/**
 * A Worker on plain workerd that runs Django's password hashers: `checkPassword` and
 * `makePassword` on every hasher `./hashers` ships, at the suite's lowered costs (`cheap`) or at
 * Django's own (`django`), and a probe of what workerd lets WebAssembly do. POST a JSON
 * {@linkcode Call}; the answer is JSON.
 */
import { checkPassword, makePassword } from "../../src/auth/hashers.ts";
import { DjangoSessionError } from "../../src/errors.ts";
import type { DjangoSettings } from "../../src/settings/settings.ts";
import { cheapSettings, djangoCostSettings } from "../interop/auth/_hashers.ts";

/** What the test asks: `costs` picks the hashers' parameters. */
type Call =
  | { op: "probe" }
  | { op: "check"; version: string; costs: Costs; password: string; encoded: string }
  | { op: "make"; version: string; costs: Costs; password: string; hasher?: string };
type Costs = "cheap" | "django";

const settingsOf = new Map<string, DjangoSettings>();

function settings(version: string, costs: Costs): DjangoSettings {
  const key = `${costs} ${version}`;
  if (!settingsOf.has(key)) {
    settingsOf.set(key, costs === "cheap" ? cheapSettings(version) : djangoCostSettings(version));
  }
  return settingsOf.get(key)!;
}

/** What each way of running WebAssembly gives here: "ok" or the error's text. */
async function probe(): Promise<Record<string, string>> {
  const outcome = (promise: Promise<unknown>) =>
    promise.then(() => "ok", (error: unknown) => String(error));
  // The smallest valid module: the magic number and version 1.
  const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const hashWasm = await import("hash-wasm");
  return {
    "WebAssembly.compile": await outcome(WebAssembly.compile(empty)),
    "hash-wasm md5": await outcome(hashWasm.md5("probe")),
    "hash-wasm argon2id": await outcome(hashWasm.argon2id({
      password: "pw",
      salt: "saltsaltsaltsalt",
      iterations: 1,
      memorySize: 8,
      parallelism: 1,
      hashLength: 16,
    })),
  };
}

async function answer(call: Call): Promise<unknown> {
  if (call.op === "probe") return await probe();
  const chosen = settings(call.version, call.costs);
  if (call.op === "check") return await checkPassword(call.password, call.encoded, chosen);
  return { encoded: await makePassword(call.password, chosen, { hasher: call.hasher }) };
}

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "POST") return new Response(null, { status: 204 }); // readiness probes
    try {
      return Response.json(await answer(await request.json()));
    } catch (error) {
      if (!(error instanceof DjangoSessionError)) throw error;
      const { name, message } = error;
      return Response.json({ error: { ...error, name, message } }, { status: 422 });
    }
  },
};
