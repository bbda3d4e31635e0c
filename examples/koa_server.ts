// Koa + the djangoSession middleware (ctx.session, ctx.state.user()):
// `node --import tsx examples/koa_server.ts` (KOA_PORT, default 8006).
import Koa from "koa";
import type { SessionData } from "../mod.ts";
import type { DjangoUser } from "../src/auth/mod.ts";
import { djangoSession } from "../src/adapters/koa.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut, loginPage } from "./_page.ts";

/** Writes a fetch `Response` from the shared pages through Koa. */
async function respond(ctx: Koa.Context, response: Response) {
  ctx.status = response.status;
  response.headers.forEach((value, name) => ctx.set(name, value));
  ctx.body = await response.text();
}

/** The request as the fetch `Request` the login page reads (its body read from Node's stream). */
async function asRequest(ctx: Koa.Context): Promise<Request> {
  let body = "";
  for await (const chunk of ctx.req.setEncoding("utf8")) body += chunk;
  return new Request(`http://${HOST}${ctx.url}`, {
    method: ctx.method,
    headers: { "content-type": ctx.get("content-type") },
    body: ctx.method === "POST" ? body : undefined,
  });
}

const { backend, users, user } = await openBackend();
const app = new Koa().use(djangoSession<SessionData, DjangoUser>({ backend, user }));
app.use(async (ctx) => {
  if (ctx.path === "/") {
    return respond(ctx, countVisit("koa", await ctx.session.load(), await ctx.state.user()));
  }
  if (ctx.path === "/login") {
    return respond(ctx, await loginPage(await asRequest(ctx), ctx.session, users));
  }
  if (ctx.path === "/logout") return respond(ctx, (await ctx.session.flush(), loggedOut()));
});

app.listen(SERVERS.koa, HOST, () => console.log(`koa: http://${HOST}:${SERVERS.koa}/`));
