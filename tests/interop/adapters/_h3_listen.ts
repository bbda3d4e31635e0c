/**
 * Starts an h3 app on a port of 127.0.0.1, for the h3 adapter's tests: h3 v2 through its own
 * `serve` (srvx on this runtime), h3 v1 through `toNodeListener` on node:http.
 */
import { createServer } from "node:http";
import { type H3, serve } from "h3";
import { type App, toNodeListener } from "h3-v1";

/** A server listening, and how to stop it. */
export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serves an h3 v2 app on `port`. */
export async function listenV2(app: H3, port: number): Promise<Listening> {
  const server = serve(app, { port, hostname: "127.0.0.1", silent: true });
  await server.ready();
  return { url: `http://127.0.0.1:${port}`, close: () => server.close(true) };
}

/** Serves an h3 v1 app on `port`. */
export async function listenV1(app: App, port: number): Promise<Listening> {
  const server = createServer(toNodeListener(app));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => (server.close(() => done()), server.closeAllConnections())),
  };
}
