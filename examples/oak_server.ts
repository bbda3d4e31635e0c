// Oak + the djangoSession middleware (ctx.state.session, ctx.state.user(), ctx.state.csrfToken()),
// on the server Oak picks for the runtime: `deno run -A examples/oak_server.ts` or
// `node --import tsx examples/oak_server.ts` (OAK_PORT, default 8010).
import { Application, type Context } from "@oakserver/oak";
import { djangoSession } from "../src/adapters/oak.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut, loginPage } from "./_page.ts";

/** Writes a fetch `Response` from the shared pages through Oak's `ctx.response`. */
async function respond(ctx: Context, response: Response) {
  ctx.response.status = response.status;
  response.headers.forEach((value, name) => ctx.response.headers.set(name, value));
  ctx.response.body = await response.text();
}

/** The request as the fetch `Request` the login page reads (its form through Oak's body). */
async function asRequest(ctx: Context): Promise<Request> {
  const { method, url, body } = ctx.request;
  const form = method === "POST" ? await body.form() : undefined;
  return new Request(url.href, { method, body: form });
}

const { backend, users, user } = await openBackend();
const app = new Application().use(djangoSession({ backend, user }));
app.use(async (ctx) => {
  const { pathname } = ctx.request.url;
  const { session, csrfToken } = ctx.state;
  if (pathname === "/") {
    return respond(ctx, countVisit("oak", await session.load(), await ctx.state.user(), csrfToken));
  }
  if (pathname === "/login") {
    return respond(ctx, await loginPage(await asRequest(ctx), session, users, csrfToken));
  }
  if (pathname === "/logout" && ctx.request.method === "POST") {
    return respond(ctx, (await session.flush(), loggedOut()));
  }
});

app.addEventListener("listen", () => console.log(`oak: http://${HOST}:${SERVERS.oak}/`));
await app.listen({ hostname: HOST, port: SERVERS.oak });
