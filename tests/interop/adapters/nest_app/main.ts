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
  Req,
} from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { djangoSession, sessionOf } from "async-django-session/express";
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
}

@Module({ controllers: [CounterController] })
class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(djangoSession({ backend })).forRoutes(CounterController);
  }
}

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, "127.0.0.1");
  console.log(await app.getUrl());
}
main();
