/**
 * The operation timeout every store call runs under: a database or cache that stops answering (a
 * dropped network, a server stuck in recovery, a full connection pool) fails the call with
 * `StoreUnavailable` after `timeout` milliseconds instead of holding the request until the client
 * library gives up, which for some never happens. The driver's own call is not cancelled (no client
 * here can be): a write that lands after its timeout was reported as failed, never as done.
 *
 * On Deno, Bun and Node one timer watches every pending call with the same timeout, re-armed for the
 * oldest, and holding the process open only while a call is pending: a timer of its own per call
 * cost 1.2 µs on Deno, 0.3 on Node (`setTimeout` + `clearTimeout`), a tenth of what a read adds to a
 * request there, and clearing the shared one whenever no call was pending still cost Deno 1.5 µs a
 * call one at a time (0.3 now; `bench/store_timeout.bench.ts`). Elsewhere
 * (Workers, edge runtimes) a timer belongs to the request that set it and dies with it, so each call
 * keeps its own.
 *
 * @module
 */
import { DjangoSessionError, StoreUnavailable } from "../errors.ts";

/** The default operation timeout, in milliseconds. */
export const DEFAULT_OPERATION_TIMEOUT = 5000;

/** One pending call: when it expires, and what then fails it. */
interface Watch {
  deadline: number;
  expire(): void;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * Makes `timer` keep the process alive or not (Node's and Bun's `ref`/`unref`, Deno's
 * `refTimer`/`unrefTimer`): far cheaper than clearing a timer and setting another (about 1 µs on
 * Deno), which a watchdog would do each time its last call settles and the next one starts.
 *
 * @returns whether the runtime could
 */
function hold(timer: Timer, keepAlive: boolean): boolean {
  if (typeof timer === "number") {
    const deno = (globalThis as {
      Deno?: { refTimer?(id: number): void; unrefTimer?(id: number): void };
    }).Deno;
    const toggle = keepAlive ? deno?.refTimer : deno?.unrefTimer;
    toggle?.(timer);
    return toggle !== undefined;
  }
  const toggle = (timer as { ref?: () => void; unref?: () => void })[keepAlive ? "ref" : "unref"];
  toggle?.call(timer);
  return toggle !== undefined;
}

/**
 * Fails the calls it watches that outlive `timeout`, with one timer for all of them. The timer
 * stays armed when the last call settles but stops holding the process open; firing with nothing
 * to fail, it is not armed again.
 */
class Watchdog {
  readonly #timeout: number;
  /** Oldest first: every call has the same timeout, so the first is the next to expire. */
  readonly #pending = new Set<Watch>();
  #timer: Timer | undefined;
  /** Whether the timer keeps the process alive: only while a call is pending. */
  #held = false;

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  watch(watch: Watch): void {
    watch.deadline = performance.now() + this.#timeout;
    this.#pending.add(watch);
    if (this.#timer === undefined) this.#arm(this.#timeout);
    else if (!this.#held) this.#held = hold(this.#timer, true);
  }

  release(watch: Watch): void {
    this.#pending.delete(watch);
    if (this.#pending.size > 0 || this.#timer === undefined || !this.#held) return;
    if (hold(this.#timer, false)) this.#held = false;
    else {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(this.#fire, delay);
    this.#held = true;
  }

  #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    for (const watch of this.#pending) {
      if (watch.deadline > now) return this.#arm(watch.deadline - now);
      this.#pending.delete(watch);
      watch.expire();
    }
  };
}

/** Whether timers outlive the request that set them: Deno, Bun, Node, but not Workers or edge. */
function timersOutliveRequests(): boolean {
  const global = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    EdgeRuntime?: unknown;
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  if (global.navigator?.userAgent === "Cloudflare-Workers" || global.EdgeRuntime !== undefined) {
    return false;
  }
  return global.Deno !== undefined || global.Bun !== undefined ||
    global.process?.versions?.node !== undefined;
}

const SHARED = timersOutliveRequests();
const watchdogs = new Map<number, Watchdog>();

function watchdogFor(timeout: number): Watchdog {
  if (!SHARED) return new Watchdog(timeout);
  let watchdog = watchdogs.get(timeout);
  if (!watchdog) watchdogs.set(timeout, watchdog = new Watchdog(timeout));
  return watchdog;
}

/**
 * A guarded call in flight: settles its promise once, with the driver's answer or `StoreUnavailable`
 * (methods, not closures made per call: tsx's keepNames would name each one).
 */
class GuardedCall<T> implements Watch {
  deadline = 0;
  readonly #operation: string;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: unknown) => void;
  readonly #watchdog: Watchdog | undefined;
  readonly #timeout: number;

  constructor(
    operation: string,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
    timeout: number,
  ) {
    this.#operation = operation;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#timeout = timeout;
    this.#watchdog = timeout > 0 && timeout < Infinity ? watchdogFor(timeout) : undefined;
    this.#watchdog?.watch(this);
  }

  expire(): void {
    this.#fail(new Error(`no answer within ${this.#timeout} ms`));
  }

  answered(value: T): void {
    this.#watchdog?.release(this);
    this.#resolve(value);
  }

  failed(error: unknown): void {
    this.#watchdog?.release(this);
    this.#fail(error);
  }

  #fail(error: unknown): void {
    const known = error instanceof DjangoSessionError;
    this.#reject(known ? error : new StoreUnavailable(this.#operation, error));
  }
}

/**
 * Awaits `call()`, turning any driver failure, or no answer within `timeout` ms, into
 * `StoreUnavailable` for `operation`; this module's own errors pass through.
 *
 * @param operation the store call, for the error
 * @param call the driver call
 * @param timeout milliseconds; 0 or `Infinity` waits as long as the driver does
 * @returns what `call` resolved with
 * @throws {StoreUnavailable} when the call fails or does not answer in time
 */
export function guarded<T>(
  operation: string,
  call: () => Promise<T>,
  timeout: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const guard = new GuardedCall(operation, resolve, reject, timeout);
    let answer: Promise<T>;
    try {
      answer = call();
    } catch (error) {
      return guard.failed(error);
    }
    answer.then((value) => guard.answered(value), (error) => guard.failed(error));
  });
}
