// Express + djangoSession (`req.session`, `req.user()`, `req.csrfToken()` through sessionOf /
// userOf / csrfTokenOf) on Node: `node --import tsx examples/express_server.ts` (EXPRESS_PORT,
// default 8005). The same app runs on Deno (`deno run -A`) and Bun, whose node:http Express uses.
// Every POST is checked as Django's CsrfViewMiddleware checks it; the forms carry Django's token.
import express from "express";
import { csrfTokenOf, djangoSession, sessionOf, userOf } from "../src/adapters/express.ts";
import type { DjangoUser } from "../src/auth/mod.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut, loginPage } from "./_page.ts";

/** Sends one of the shared pages (a fetch `Response`) through Express. */
async function send(res: express.Response, page: Response): Promise<void> {
  res.status(page.status);
  page.headers.forEach((value, name) => res.setHeader(name, value));
  res.send(await page.text());
}

const { backend, users, user } = await openBackend();
const app = express();
// Before djangoSession: its CSRF check reads the form's csrfmiddlewaretoken from req.body.
app.use(express.urlencoded({ extended: false }));
app.use(djangoSession({ backend, user }));
app.get("/", async (req, res) => {
  const session = await sessionOf(req).load();
  const token = () => csrfTokenOf(req);
  await send(res, countVisit("express", session, await userOf<DjangoUser>(req), token));
});
app.all("/login", async (req, res) => {
  // The shared login page reads a fetch Request: the form Express parsed, re-encoded.
  const form = req.method === "POST" ? new URLSearchParams(req.body) : undefined;
  const request = new Request(`http://${HOST}${req.originalUrl}`, {
    method: req.method,
    body: form,
  });
  await send(res, await loginPage(request, sessionOf(req), users, () => csrfTokenOf(req)));
});
app.all("/logout", async (req, res) => {
  await sessionOf(req).flush();
  await send(res, loggedOut());
});

app.listen(SERVERS.express, HOST, () => console.log(`express: http://${HOST}:${SERVERS.express}/`));
