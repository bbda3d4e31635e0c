/**
 * The operation timeout every store call runs under: a database or cache that stops answering (a
 * dropped network, a server stuck in recovery, a full connection pool) fails the call with
 * `StoreUnavailable` after `timeout` milliseconds instead of holding the request until the client
 * library gives up, which for some never happens. The driver's own call is not cancelled (no client
 * here can be): a write that lands after its timeout was reported as failed, never as done.
 *
 * @module
 */
import { DjangoSessionError, StoreUnavailable } from "../errors.ts";

/** The default operation timeout, in milliseconds. */
export const DEFAULT_OPERATION_TIMEOUT = 5000;

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
export async function guarded<T>(
  operation: string,
  call: () => Promise<T>,
  timeout: number,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    if (!(timeout > 0 && timeout < Infinity)) return await call();
    return await Promise.race([
      call(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
      }),
    ]);
  } catch (error) {
    if (error instanceof DjangoSessionError) throw error;
    throw new StoreUnavailable(operation, error);
  } finally {
    clearTimeout(timer);
  }
}
