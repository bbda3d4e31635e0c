/**
 * The child process of timeout_held.test.ts: one store call settles (the shared timer stays armed
 * but lets the process go), then a call that never answers must hold the process open until its
 * 200 ms timeout fails it, and "StoreUnavailable" is printed. A timer that no longer held the
 * process would let it exit first, printing nothing.
 */
import { guarded } from "../../../src/stores/timeout.ts";

await guarded("quick", () => Promise.resolve(1), 200);
const outcome = await guarded("slow", () => new Promise<never>(() => {}), 200).then(
  () => "answered",
  (error: Error) => error.name,
);
console.log(outcome);
