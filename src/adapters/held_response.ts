/**
 * Holds a Node-style response (Node's `http.ServerResponse`, as Express, Connect and NestJS hand it
 * out) until an async step has decided its headers. The first `writeHead`, `write`, `end` or
 * `flushHeaders` starts the step and is queued with every later call; once the step resolves, the
 * calls are replayed in order, or the response is replaced (an error page) and they are dropped.
 *
 * Why not `on-headers` (express-session's hook): it runs a listener synchronously inside
 * `writeHead`, so the save has to happen after the headers left — express-session sets its cookie
 * before knowing whether the save worked. Django's cookie depends on the save (a new key, a 400 for a
 * deleted session, a 503 for a store that is down), so the bytes wait instead. Its header handling
 * is followed: `writeHead`'s own headers are set on the response first, so the step sees them all.
 *
 * A held `write` answers `false`, so a piped stream pauses until the `drain` sent after the replay.
 *
 * @module
 */

/** A header value as Node's `setHeader` takes it. */
export type HeaderValue = number | string | readonly string[];

/** The parts of Node's `http.ServerResponse` that are held (structural, so no `node:` types). */
export interface NodeResponse {
  /** The status `writeHead` will send. */
  statusCode: number;
  /** The reason phrase `writeHead` will send. */
  statusMessage: string;
  /** Reads a header set so far. */
  getHeader(name: string): HeaderValue | undefined;
  /** The names of the headers set so far. */
  getHeaderNames(): string[];
  /** Sets a header. */
  setHeader(name: string, value: HeaderValue): unknown;
  /** Removes a header. */
  removeHeader(name: string): void;
  /** Sends the status line and headers. */
  // deno-lint-ignore no-explicit-any
  writeHead(statusCode: number, ...rest: any[]): unknown;
  /** Sends a body chunk. */
  // deno-lint-ignore no-explicit-any
  write(chunk: any, ...rest: any[]): boolean;
  /** Ends the response. */
  // deno-lint-ignore no-explicit-any
  end(...args: any[]): unknown;
  /** Sends the headers without a body. */
  flushHeaders?(): void;
  /** Emits an event (`drain`). */
  emit(event: string): boolean;
  /** Listens once (`close`). */
  once(event: string, listener: () => void): unknown;
  /** Ends the response and its connection with an error. */
  destroy(error?: unknown): unknown;
}

/** A response sent instead of the held one (when the step failed). */
export interface Replacement {
  /** The status. */
  status: number;
  /** The only headers sent. */
  headers: Record<string, string>;
  /** A plain-text body. */
  body: string;
}

// deno-lint-ignore no-explicit-any
type Call = [method: (...args: any[]) => unknown, args: unknown[]];

/** The work a response is held for: the headers decided, or a response to send instead. */
export type Step = (status: number) => Replacement | null | Promise<Replacement | null>;

/**
 * Holds `res` from its first header-sending call until `step` resolves; `step` gets the status
 * then current and may set headers. A step that answers synchronously holds nothing: the call goes
 * straight through. It must not reject: failures resolve to a {@linkcode Replacement}.
 *
 * @param res the response, before anything was written
 * @param step the work that decides the headers, e.g. saving the session
 */
export function holdResponse(res: NodeResponse, step: Step): void {
  // Arrows assigned to properties, the rest on a class: no function is created per request beyond
  // these four (and none is named, which esbuild's keepNames, under tsx, would pay for each time).
  const held = new HeldResponse(res, step);
  res.writeHead = (status: number, ...rest: unknown[]) => held.writeHead(status, rest);
  res.write = (...args: unknown[]) => held.write(args);
  res.end = (...args: unknown[]) => held.end(args);
  if (res.flushHeaders) res.flushHeaders = () => held.flushHeaders();
}

/** One response's hold: its original methods, its state and the calls queued meanwhile. */
class HeldResponse {
  #res: NodeResponse;
  #step: Step;
  #original: Pick<NodeResponse, "writeHead" | "write" | "end" | "flushHeaders">;
  #state: "open" | "held" | "released" | "replaced" = "open";
  #wroteWhileHeld = false;
  #queue: Call[] = [];

  constructor(res: NodeResponse, step: Step) {
    this.#res = res;
    this.#step = step;
    const { writeHead, write, end, flushHeaders } = res;
    this.#original = { writeHead, write, end, flushHeaders };
  }

  writeHead(status: number, rest: unknown[]): unknown {
    const { writeHead } = this.#original;
    if (this.#state !== "open") return this.#passOrHold(writeHead, [status, ...rest], this.#res);
    applyWriteHead(this.#res, status, rest);
    this.#start();
    return this.#passOrHold(writeHead, [this.#res.statusCode], this.#res);
  }

  write(args: unknown[]): boolean {
    if (this.#state === "open") this.#start();
    if (this.#state === "held") this.#wroteWhileHeld = true;
    // held: false, so a piped stream waits for the drain sent after the replay
    return this.#passOrHold(this.#original.write, args, this.#state !== "held") as boolean;
  }

  end(args: unknown[]): unknown {
    if (this.#state === "open") this.#start();
    return this.#passOrHold(this.#original.end, args, this.#res);
  }

  flushHeaders(): void {
    if (this.#state === "open") this.#start();
    this.#passOrHold(this.#original.flushHeaders!, [], undefined);
  }

  #start(): void {
    this.#state = "held";
    const decided = this.#step(this.#res.statusCode);
    // A replayed call that throws (a second writeHead, say) would have thrown in the handler; now
    // it can only end the response, not become an unhandled rejection.
    if (decided instanceof Promise) {
      decided.then((replacement) => this.#release(replacement)).catch((error) =>
        this.#res.destroy(error)
      );
    } else this.#release(decided);
  }

  #release(replacement: Replacement | null): void {
    const res = this.#res;
    if (replacement) {
      this.#state = "replaced";
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      res.statusMessage = ""; // Node then sends the status's own reason phrase
      this.#original.writeHead.call(res, replacement.status, replacement.headers);
      this.#original.end.call(res, replacement.body);
      return;
    }
    this.#state = "released";
    let flowing = true;
    for (const [method, args] of this.#queue) {
      const result = method.apply(res, args);
      if (method === this.#original.write) flowing = result !== false;
    }
    if (this.#wroteWhileHeld && flowing) res.emit("drain");
  }

  /** Calls through once released; queues while held; answers `answer` (and drops) otherwise. */
  #passOrHold(method: Call[0], args: unknown[], answer: unknown): unknown {
    if (this.#state === "released") return method.apply(this.#res, args);
    if (this.#state === "held") this.#queue.push([method, args]);
    return answer;
  }
}

/**
 * Sets `writeHead(status, [reason], [headers])`'s status and headers on the response, as Node does
 * once headers were set with `setHeader` (and as `on-headers` does): an object or pairs replace,
 * a flat list of names and values appends.
 */
function applyWriteHead(res: NodeResponse, status: number, rest: unknown[]): void {
  res.statusCode = status;
  if (typeof rest[0] === "string") res.statusMessage = rest.shift() as string;
  const headers = rest[0];
  if (Array.isArray(headers) && Array.isArray(headers[0])) {
    for (const [name, value] of headers as [string, HeaderValue][]) res.setHeader(name, value);
  } else if (Array.isArray(headers)) {
    const values = new Map<string, string[]>();
    for (let i = 0; i < headers.length; i += 2) {
      const name = String(headers[i]).toLowerCase();
      values.set(name, [...values.get(name) ?? [], String(headers[i + 1])]);
    }
    for (const [name, list] of values) res.setHeader(name, list.length === 1 ? list[0] : list);
  } else if (headers && typeof headers === "object") {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value as HeaderValue);
  }
}
