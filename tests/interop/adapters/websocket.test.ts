/**
 * WebSocket upgrades pass through (issue 14, point 1), each runtime with its own server idiom: Bun's
 * `if (server.upgrade(req)) return;` inside a `withSession` handler, Deno's `Deno.upgradeWebSocket`
 * (a 101 response), Node's `upgrade` event with `sessionOfHeaders`. The session is read at connect
 * and sent as the first message; the client is a real one (Node's built-in WebSocket, in a child
 * process) sending the session cookie; the server must still answer HTTP afterwards.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { withSession } from "../../../src/adapters/fetch.ts";
import { sessionOfHeaders } from "../../../src/http/with_session.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";

const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-test-key" });
const client = fileURLToPath(new URL("../../_ws_client.mjs", import.meta.url));
const closers: (() => unknown)[] = [];
after(() => Promise.all(closers.map((close) => close())));

/** Runs the real client against `url` with the cookie; resolves with the first message. */
function firstMessage(url: string, cookie: string): Promise<string> {
  const child = spawn("node", ["--experimental-websocket", "--no-warnings", client, url, cookie]);
  let out = "";
  child.stdout.on("data", (chunk) => out += chunk);
  child.stderr.on("data", (chunk) => out += chunk);
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => code === 0 ? resolve(out.trim()) : reject(new Error(out)))
  );
}

/** Node's answer to an upgrade: the RFC 6455 §4.2.2 handshake, then one unmasked text frame. */
function acceptAndSend(req: IncomingMessage, socket: Duplex, text: string): void {
  const accept = createHash("sha1")
    .update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
    .digest("base64");
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  const payload = new TextEncoder().encode(text);
  socket.write(new Uint8Array([0x81, payload.length, ...payload]));
  socket.on("data", () => socket.end()); // the client's close frame
}

/** The little of Bun's and Deno's server APIs this file uses. */
interface BunServer {
  port: number;
  upgrade(request: Request, options: { data: { user: string } }): boolean;
  stop(force: boolean): void;
}
interface Runtimes {
  Bun?: {
    serve(options: {
      port: number;
      hostname: string;
      fetch: (request: Request, server: BunServer) => Promise<Response | undefined>;
      websocket: {
        open(ws: { data: { user: string }; send(text: string): void }): void;
        message(): void;
      };
    }): BunServer;
  };
  Deno?: {
    serve(
      options: { port: number; hostname: string; onListen(): void },
      handler: (request: Request) => Promise<Response | undefined>,
    ): { addr: { port: number }; shutdown(): Promise<void> };
    upgradeWebSocket(request: Request): { socket: WebSocket; response: Response };
  };
}

/** Starts this runtime's server; resolves with its port. */
async function serve(): Promise<number> {
  const runtime = globalThis as Runtimes;
  const handler = withSession({ backend }, async (request, { session }, server?: BunServer) => {
    await session.load();
    const user = String(session.get("user") ?? "anonymous");
    if (request.headers.get("upgrade") !== "websocket") return new Response(`http ${user}`);
    if (runtime.Bun) {
      if (server!.upgrade(request, { data: { user } })) return;
      return new Response("upgrade failed", { status: 400 });
    }
    const { socket, response } = runtime.Deno!.upgradeWebSocket(request);
    socket.onopen = () => socket.send(user);
    return response;
  });
  if (runtime.Bun) {
    const server = runtime.Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: handler,
      websocket: { open: (ws) => ws.send(ws.data.user), message() {} },
    });
    closers.push(() => server.stop(true));
    return server.port;
  }
  if (runtime.Deno) {
    const server = runtime.Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
    closers.push(() => server.shutdown());
    return server.addr.port;
  }
  const server = createServer((_req, res) => res.end("http"));
  server.on("upgrade", async (req, socket) => {
    const { session } = sessionOfHeaders(req.headers, { backend });
    acceptAndSend(req, socket, String((await session.load()).get("user") ?? "anonymous"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as { port: number }).port;
}

test("a WebSocket upgrade passes through, with the session read at connect", async () => {
  const session = await backend.getSession().load();
  session.set("user", "alice");
  await session.save();
  const port = await serve();
  const cookie = `sessionid=${session.key}`;
  assert.equal(await firstMessage(`ws://127.0.0.1:${port}/`, cookie), "MESSAGE alice");
  assert.equal(await firstMessage(`ws://127.0.0.1:${port}/`, "sessionid=bad"), "MESSAGE anonymous");
  // The process survived the upgrades and still answers HTTP.
  const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } });
  assert.match(await response.text(), /^http( alice)?$/);
});
