// A NestJS 11 app as its users write it: TypeScript compiled to CommonJS, the package required by
// name. tests/interop/adapters/nest_cjs.test.ts compiles it with tsc and runs it on Node; it prints
// its URL, then serves until killed. SECRET_KEY comes from the environment.
import "reflect-metadata";
import {
  Controller,
  Get,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  Post,
  Req,
} from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { csrfTokenOf, djangoSession, sessionOf } from "async-django-session/express";
import { SignedCookieBackend } from "async-django-session/signed-cookies";

const backend = new SignedCookieBackend({ SECRET_KEY: process.env.SECRET_KEY! });

@Controller()
class CounterController {
  @Get("count")
  async count(@Req() req: object) {
    const session = await sessionOf(req).load();
    session.set("nest", (Number(session.get("nest")) || 0) + 1);
    return { nest: session.get("nest") };
  }

  @Get("static")
  static() {
    return "static";
  }

  @Get("form")
  form(@Req() req: object) {
    return `<input type="hidden" name="csrfmiddlewaretoken" value="${csrfTokenOf(req)}">`;
  }

  // Nest's own body parser runs before module middleware: the form token is in req.body.
  @Post("protected")
  protected() {
    return "ok";
  }

  @Post("hooks/payment")
  hook() {
    return "received";
  }
}

@Module({ controllers: [CounterController] })
class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    const csrfExempt = (_req: unknown, path: string) => path.startsWith("/hooks/");
    consumer.apply(djangoSession({ backend, csrfExempt })).forRoutes("*");
  }
}

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, "127.0.0.1");
  console.log(await app.getUrl());
}
main();
