/**
 * Issue 12, point 3: Chromium (playwright-core) against the Hono adapter on a real port, with the
 * CSRF cookie under SameSite=Lax, Strict and none. An attacker page on another port (same site,
 * another origin) and on another host (another site) tries every unsafe-method vector a page has —
 * an auto-submitted form, a forged token, a sandboxed frame (Origin: null), no-cors fetch, fetch
 * with the header or PUT (preflighted) — and the victim's own form and fetch-with-header must pass.
 * Prints the attack table. Registered under Node only (it drives a browser; the three runners would
 * repeat the same walk).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { type Browser, chromium } from "playwright-core";
import type { SameSite } from "../../../mod.ts";
import { djangoSession, type SessionEnv } from "../../../src/adapters/hono.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };

type Closable = { close(callback?: () => void): unknown };
const closeServer = (server: Closable) => new Promise<void>((done) => server.close(() => done()));

/** The victim: Hono + djangoSession; `hits` keeps what each vector's request got. */
function victim(sameSite: SameSite, hits: Map<string, string>) {
  const backend = new SignedCookieBackend({
    SECRET_KEY: "django-insecure-browser-csrf",
    CSRF_COOKIE_SAMESITE: sameSite,
    SESSION_COOKIE_SAMESITE: sameSite,
  });
  const app = new Hono<SessionEnv>();
  app.use(async (c, next) => {
    await next();
    const vector = c.req.query("v");
    if (vector && c.req.method === "OPTIONS") {
      hits.set(vector, `not sent: CORS preflight refused (OPTIONS ${c.res.status})`);
    } else if (vector) {
      const reason = c.res.status === 403 ? ` (${await c.res.clone().text()})` : "";
      hits.set(vector, `${c.res.status}${reason}`);
    }
  });
  app.use(djangoSession({
    backend,
    csrfFailure: (error) => new Response(error.reason, { status: 403 }),
  }));
  app.get("/form", async (c) => {
    (await c.var.session.load()).set("user", "alice");
    return c.html(`<!doctype html><form method="post" action="/transfer?v=victim form">
<input type="hidden" name="csrfmiddlewaretoken" value="${c.var.csrfToken()}">
<input name="amount" value="1"><button id="send">send</button></form>`);
  });
  app.on(["POST", "PUT"], "/transfer", (c) => c.text("transferred"));
  // A state change behind GET: what CSRF protection cannot cover (docs/csrf.md).
  app.get("/transfer", (c) => c.text("transferred"));
  return app;
}

/** The attacker's pages: each tries one vector against `target`, then sets its title to "done". */
function attackPage(vector: string, target: string): string {
  const url = `${target}/transfer?v=${encodeURIComponent(vector)}`;
  const form = (extra = "") =>
    `<form method="post" action="${url}"><input name="amount" value="1000">${extra}</form>` +
    `<script>document.forms[0].submit()</script>`;
  const fetching = (init: string) =>
    `<script>fetch(${
      JSON.stringify(url)
    }, ${init}).catch(() => {}).finally(() => document.title = "done")</script>`;
  const pages: Record<string, string> = {
    "form POST": form(),
    "form POST, forged token": form(`<input name="csrfmiddlewaretoken" value="${"a".repeat(64)}">`),
    "sandboxed frame form (Origin: null)": `<iframe sandbox="allow-forms allow-scripts" srcdoc="${
      form().replaceAll('"', "&quot;")
    }"></iframe>`,
    "fetch no-cors POST": fetching(
      `{ method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: "amount=1000" }`,
    ),
    "fetch POST with X-CSRFToken": fetching(
      `{ method: "POST", credentials: "include", headers: { "X-CSRFToken": "${"a".repeat(64)}" } }`,
    ),
    "fetch PUT": fetching(`{ method: "PUT", credentials: "include" }`),
    "img GET (state change behind GET)":
      `<img src="${url}" onerror="document.title='done'" onload="document.title='done'">`,
  };
  return `<!doctype html><title>attack</title>${pages[vector]}`;
}
const VECTORS = [
  "form POST",
  "form POST, forged token",
  "sandboxed frame form (Origin: null)",
  "fetch no-cors POST",
  "fetch POST with X-CSRFToken",
  "fetch PUT",
  "img GET (state change behind GET)",
];

const listen = (server: Server) =>
  new Promise<number>((done) =>
    server.listen(0, "127.0.0.1", () => done((server.address() as AddressInfo).port))
  );

if (!runtime.Bun && !runtime.Deno) {
  describe("CSRF attacks from a real browser against the Hono adapter", () => {
    let browser: Browser;
    let attacker: Server;
    let attackerPort: number;
    const table: string[][] = [];

    before(async () => {
      attacker = createServer((req, res) => {
        const url = new URL(req.url!, "http://x");
        res.writeHead(200, { "content-type": "text/html" });
        res.end(attackPage(url.searchParams.get("v")!, url.searchParams.get("target")!));
      });
      attackerPort = await listen(attacker);
      browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        timeout: 30_000,
      });
    });
    after(async () => {
      await browser?.close();
      await closeServer(attacker);
      console.log(formatTable(table));
    });

    for (const sameSite of ["Lax", "Strict", false] as const) {
      test(`SameSite=${sameSite || "(none)"}: attacks refused, the victim's own posts pass`, async () => {
        const hits = new Map<string, string>();
        let port = 0;
        const server = await new Promise<Closable>((done) => {
          const s = serve(
            { fetch: victim(sameSite, hits).fetch, hostname: "127.0.0.1", port: 0 },
            (info) => {
              port = info.port;
              done(s);
            },
          );
        });
        const context = await browser.newContext();
        const page = await context.newPage();
        try {
          const origin = `http://127.0.0.1:${port}`;
          await page.goto(`${origin}/form`);
          await Promise.all([page.waitForURL(/transfer/), page.click("#send")]);
          await page.goto(`${origin}/form`);
          const viaHeader = await page.evaluate(async () => {
            const token = document.cookie.match(/csrftoken=(\w+)/)![1];
            const response = await fetch("/transfer?v=victim fetch, X-CSRFToken from the cookie", {
              method: "POST",
              headers: { "X-CSRFToken": token },
            });
            return response.status;
          });
          assert.equal(viaHeader, 200);
          for (
            const [where, host] of [["another port", "127.0.0.1"], ["another site", "localhost"]]
          ) {
            for (const vector of VECTORS) {
              const key = `${vector} from ${where}`;
              const target = encodeURIComponent(origin);
              const pageFor = await context.newPage();
              await pageFor.goto(
                `http://${host}:${attackerPort}/?v=${encodeURIComponent(vector)}&target=${target}`,
              );
              await settle(pageFor, () => hits.has(vector));
              const result = hits.get(vector) ?? "not sent";
              hits.delete(vector);
              hits.set(key, result);
              await pageFor.close();
            }
          }
          for (const [vector, result] of hits) table.push([vector, sameSite || "(none)", result]);
          for (const [vector, result] of hits) {
            if (vector.startsWith("victim")) assert.equal(result, "200", vector);
            else if (vector.startsWith("img GET")) {
              assert.equal(result, "200", "GETs are not checked");
            } else assert.doesNotMatch(result, /^2/, vector);
          }
          assert.equal(hits.size, 2 + 2 * VECTORS.length);
        } finally {
          await context.close();
          await closeServer(server);
        }
      });
    }
  });
}

/** Until the attack page is done (a fetch settled) or its request reached the victim. */
async function settle(page: import("playwright-core").Page, arrived: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !arrived(); i++) {
    if (await page.title().catch(() => "") === "done") return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function formatTable(rows: string[][]): string {
  const all = [["vector", "SameSite", "result"], ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join(" | ")).join("\n");
}
