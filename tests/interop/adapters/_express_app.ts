/**
 * The Express app the adapter tests (and the NestJS check) talk to over a port: one route per way a
 * response leaves (send, json, redirect, sendFile, writeHead, write, pipe), plus login, logout, a
 * thrown handler, next(err), and a route that lets a test delete the session mid-request.
 */
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import express from "express";
import { djangoSession, sessionOf, userOf } from "../../../src/adapters/express.ts";
import { getUser, login, logout, type UserSource } from "../../../src/auth/mod.ts";
import type { DjangoUser } from "../../../src/auth/user_model.ts";
import type { SessionBackend } from "../../../src/session/backend.ts";

/** This file, served by `/file`. */
export const SERVED_FILE = fileURLToPath(import.meta.url);

/** A running app: its base URL, the errors its middleware reported, and `close()`. */
export interface ExpressApp {
  url: string;
  errors: unknown[];
  /** The next error the middleware reports (one already reported and not taken yet, first). */
  nextError(): Promise<unknown>;
  /** Called by `/interrupt` between loading and changing the session. */
  interrupt: (key: string) => Promise<unknown>;
  close(): Promise<void>;
}

/** Starts the app on a free port. */
export async function startExpressApp(
  backend: SessionBackend,
  users?: UserSource,
): Promise<ExpressApp> {
  const app = express();
  const errors: unknown[] = [];
  let waiting: ((error: unknown) => void) | undefined;
  const report = (error: unknown) => {
    if (waiting) waiting(error);
    else errors.push(error);
    waiting = undefined;
  };
  const nextError = () =>
    errors.length ? Promise.resolve(errors.shift()) : new Promise((resolve) => waiting = resolve);
  const running: ExpressApp = {
    url: "",
    errors,
    nextError,
    interrupt: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const user = users && ((session: Parameters<typeof getUser>[0]) => getUser(session, users));
  // Session tests: the login POST is exempt here; CSRF has its own (tests/interop/csrf/).
  const csrfExempt = (_req: unknown, path: string) => path.startsWith("/login/");
  app.use(djangoSession({ backend, user, onError: report, csrfExempt }));
  const loaded = (req: express.Request) => sessionOf(req).load();
  const count = async (req: express.Request) => {
    const session = await loaded(req);
    session.set("express", (Number(session.get("express")) || 0) + 1);
    return session;
  };

  app.get("/static", (_req, res) => void res.send("static"));
  app.get("/count", async (req, res) => {
    const session = await count(req);
    res.setHeader("Vary", "Accept-Encoding");
    res.json({ django: session.get("django") ?? null, express: session.get("express") });
  });
  app.get("/me", async (req, res) => {
    res.json({ user: (await userOf<DjangoUser>(req))?.username ?? null });
  });
  app.post("/login/:username", async (req, res) => {
    const found = await users!.find("username", req.params.username);
    await login(sessionOf(req), found!, users!);
    res.redirect(303, "/me");
  });
  app.get("/logout", async (req, res) => {
    await logout(sessionOf(req));
    res.redirect("/me");
  });
  app.get("/stream", async (req, res) => {
    await count(req);
    res.write("a");
    res.write("b");
    res.end("c");
  });
  app.get("/pipe", async (req, res) => {
    await count(req);
    res.type("text/plain");
    Readable.from(["x", "y", "z"]).pipe(res);
  });
  app.get("/late", async (req, res) => {
    const session = await loaded(req);
    res.write("first");
    session.set("late", true);
    res.end("last");
  });
  app.get("/redirect", async (req, res) => {
    await count(req);
    res.redirect("/static");
  });
  app.get("/file", async (req, res) => {
    await count(req);
    res.sendFile(SERVED_FILE);
  });
  app.get("/head", async (req, res) => {
    await count(req);
    res.writeHead(201, "Made", { Vary: "Accept", "Content-Type": "text/plain" });
    res.end("made");
  });
  app.get("/throw", async (req) => {
    await count(req);
    throw new Error("handler failed");
  });
  app.get("/next-error", async (req, _res, next) => {
    await count(req);
    next(new Error("passed on"));
  });
  app.get("/interrupt", async (req, res) => {
    const session = await loaded(req);
    await running.interrupt(session.key!);
    session.set("express", -1);
    res.send("changed");
  });
  app.get("/new", (req, res) => {
    // A new session needs no query to load: the first statement is the save, at the commit.
    sessionOf(req).clear();
    sessionOf(req).set("express", 1);
    res.send("saved?");
  });
  // Express's own error handler would print the stack; the tests only need its 500.
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: unknown) => {
    res.status(500).send("failed");
  });

  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  running.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  running.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return running;
}
