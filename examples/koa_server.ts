// Koa + the djangoSession middleware (ctx.session, ctx.state.user(), ctx.csrfToken()):
// `node --import tsx examples/koa_server.ts` (KOA_PORT, default 8007). The body parser comes
// before djangoSession, so the CSRF check reads the forms' csrfmiddlewaretoken.
import Koa from "koa";
import { bodyParser } from "@koa/bodyparser";
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

/** The request as the fetch `Request` the login page reads (its form parsed by the body parser). */
function asRequest(ctx: Koa.Context): Request {
  const post = ctx.method === "POST";
  return new Request(`http://${HOST}${ctx.url}`, {
    method: ctx.method,
    body: post ? new URLSearchParams(ctx.request.body as Record<string, string>) : undefined,
  });
}

const { backend, users, user } = await openBackend();
const app = new Koa().use(bodyParser()).use(
  djangoSession<SessionData, DjangoUser>({ backend, user }),
);
app.use(async (ctx) => {
  if (ctx.path === "/") {
    const session = await ctx.session.load();
    return respond(ctx, countVisit("koa", session, await ctx.state.user(), ctx.csrfToken));
  }
  if (ctx.path === "/login") {
    return respond(ctx, await loginPage(asRequest(ctx), ctx.session, users, ctx.csrfToken));
  }
  if (ctx.path === "/logout" && ctx.method === "POST") {
    return respond(ctx, (await ctx.session.flush(), loggedOut()));
  }
});

app.listen(SERVERS.koa, HOST, () => console.log(`koa: http://${HOST}:${SERVERS.koa}/`));
