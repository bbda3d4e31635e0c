// Express + djangoSession (`req.session`, `req.user()` through sessionOf / userOf) on Node:
// `node --import tsx examples/express_server.ts` (EXPRESS_PORT, default 8005). The same app runs on
// Deno (`deno run -A`) and Bun, whose node:http Express uses.
import express from "express";
import { djangoSession, sessionOf, userOf } from "../src/adapters/express.ts";
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
app.use(djangoSession({ backend, user }));
app.use(express.urlencoded({ extended: false }));
app.get("/", async (req, res) => {
  const session = await sessionOf(req).load();
  await send(res, countVisit("express", session, await userOf<DjangoUser>(req)));
});
app.all("/login", async (req, res) => {
  // The shared login page reads a fetch Request: the form Express parsed, re-encoded.
  const form = req.method === "POST" ? new URLSearchParams(req.body) : undefined;
  const request = new Request(`http://${HOST}${req.originalUrl}`, {
    method: req.method,
    body: form,
  });
  await send(res, await loginPage(request, sessionOf(req), users));
});
app.all("/logout", async (req, res) => {
  await sessionOf(req).flush();
  await send(res, loggedOut());
});

app.listen(SERVERS.express, HOST, () => console.log(`express: http://${HOST}:${SERVERS.express}/`));
