/**
 * The Express twin of `_service.ts` (tests/django/csrf_site.py's routes) listening on a port:
 * /form/ renders the token, /protected/ answers "ok" to any method, /exempt/ is exempt (the
 * `csrfExempt` option), /login/ runs authenticate + login. Refusals answer Django's reason as the
 * body (the `csrfFailure` option). The body parsers come before djangoSession, as its docs say:
 * urlencoded forms, multer for multipart, and JSON (whose field Django never reads as a token).
 */
import type { AddressInfo } from "node:net";
import express from "express";
import multer from "multer";
import type { DjangoSettingsInput } from "../../../mod.ts";
import { csrfTokenOf, djangoSession, sessionOf } from "../../../src/adapters/express.ts";
import { authenticate, login, type UserSource } from "../../../src/auth/mod.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { SECRET_KEY } from "../../_sqlite.ts";
import type { Probe, Seen } from "./_probe.ts";
import { overHttp, toService } from "./_probe.ts";

/** A running service: sends a probe to it, and stops it. */
export interface ExpressService {
  send(probe: Probe): Promise<Seen>;
  close(): Promise<void>;
}

/** Starts the service for these settings (`SECRET_KEY` is the bridge's, for shared sessions). */
export async function expressService(
  settings: Omit<DjangoSettingsInput, "SECRET_KEY">,
  users?: UserSource,
): Promise<ExpressService> {
  const backend = new SignedCookieBackend({ SECRET_KEY, ...settings });
  // overHttp sends X-Forwarded-Proto: https for secure probes, from the loopback.
  const app = express().set("trust proxy", "loopback");
  app.use(express.urlencoded({ extended: false }), multer().none(), express.json());
  app.use(djangoSession({
    backend,
    csrfExempt: (_req, path) => path === "/exempt/",
    csrfFailure: (error, _req, res) => {
      res.statusCode = 403;
      res.end(error.reason);
    },
  }));
  app.get("/form/", (req, res) => {
    const input = `<input type="hidden" name="csrfmiddlewaretoken" value="${csrfTokenOf(req)}">`;
    res.send(`<form method="post">${input}</form>`);
  });
  app.post("/login/", async (req, res) => {
    const session = sessionOf(req);
    const user = await authenticate(session, users!, req.body.username, req.body.password);
    if (!user) return void res.status(401).send("wrong credentials");
    await login(session, user, users!);
    res.redirect("/");
  });
  app.all(["/protected/", "/exempt/"], (_req, res) => void res.send("ok"));

  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const forward = overHttp((server.address() as AddressInfo).port);
  return {
    send: (probe) => toService(forward, probe),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
