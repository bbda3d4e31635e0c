/**
 * Issue 12 through Koa listening on a port: the CSRF parity table (every legitimate, forged,
 * missing, malformed, wrong-origin and insecure-referer request answered as real Django 3.2/4.2/
 * 5.2/6.1 answers it, form tokens from `@koa/bodyparser` and multer's multipart fields mounted
 * before the middleware, HTTPS behind a proxy through `app.proxy` and `X-Forwarded-Proto`), and
 * `login()` in a Koa route rotating the token.
 */
import { after, before, describe, test } from "node:test";
import type { Server } from "node:http";
import Koa from "koa";
import { bodyParser } from "@koa/bodyparser";
import multer from "multer";
import type { DjangoSettingsInput } from "../../../mod.ts";
import { authenticate, login, sqliteUsers, type UserSource } from "../../../src/auth/mod.ts";
import { djangoSession } from "../../../src/adapters/koa.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { openSqlite, SECRET_KEY, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { overHttp, siteSettings, toService, TRUSTED } from "./_probe.ts";
import { assertParity } from "./_probes.ts";
import { assertLoginRotates, siteWithAlice } from "./_login.ts";

const temp = tempDirectory("csrf-koa");
const opened: TestDatabase[] = [];
after(async () => {
  await closeDjangos();
  for (const db of opened) db.close();
  temp.remove();
});

/** Multipart fields into `ctx.request.body`, as `@koa/multer`'s `upload.none()` puts them. */
const fields = multer().none();
const multipart: Koa.Middleware = async (ctx, next) => {
  if (ctx.is("multipart")) {
    await new Promise<void>((resolve, reject) =>
      fields(ctx.req, ctx.res, (error: unknown) => error ? reject(error) : resolve())
    );
    ctx.request.body = (ctx.req as { body?: unknown }).body;
  }
  await next();
};

/** The twin of tests/interop/csrf/_service.ts on Koa, listening on a free port. */
function koaService(settings: Omit<DjangoSettingsInput, "SECRET_KEY">, users?: UserSource) {
  const backend = new SignedCookieBackend({ SECRET_KEY, ...settings });
  const app = new Koa();
  app.proxy = true; // overHttp sends X-Forwarded-Proto: https for secure probes
  app.use(bodyParser()).use(multipart).use(djangoSession({
    backend,
    csrfExempt: (ctx) => ctx.path === "/exempt/",
    csrfFailure: (error, ctx) => void (ctx.status = 403, ctx.body = error.reason),
  })).use(async (ctx) => {
    if (ctx.path === "/form/") {
      const input = `<input type="hidden" name="csrfmiddlewaretoken" value="${ctx.csrfToken()}">`;
      ctx.body = `<form method="post">${input}</form>`;
    } else if (ctx.path === "/login/" && users) {
      const { username, password } = ctx.request.body as Record<string, string>;
      const user = await authenticate(ctx.session, users, username, password);
      if (!user) return void (ctx.status = 401);
      await login(ctx.session, user, users);
      ctx.redirect("/");
    } else ctx.body = "ok";
  });
  let server: Server;
  return {
    start: () =>
      new Promise<number>((resolve) => {
        server = app.listen(0, "127.0.0.1", () =>
          resolve((server.address() as { port: number }).port));
      }),
    stop: () =>
      new Promise<void>((done) => (server.close(() => done()), server.closeAllConnections())),
  };
}

for (const version of DJANGO_VERSIONS) {
  describe(`CSRF through Koa, Django ${version}`, () => {
    const ours = koaService({ djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED });
    let port = 0;
    before(async () => void (port = await ours.start()));
    after(() => ours.stop());

    test("every request gets the same answer and reason from Django and Koa", async () => {
      const site = django(version, siteSettings(version));
      await assertParity(site, version, (probe) => toService(overHttp(port), probe));
    });

    test("login() in a Koa route rotates the token: the old one is refused", async () => {
      const file = temp.path(`users-${version}.sqlite3`);
      const site = await siteWithAlice(version, file);
      const db = await openSqlite(file);
      opened.push(db);
      const withUsers = koaService(
        { djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED },
        sqliteUsers(db),
      );
      const at = await withUsers.start();
      try {
        await assertLoginRotates(site, version, (probe) => toService(overHttp(at), probe));
      } finally {
        await withUsers.stop();
      }
    });
  });
}
