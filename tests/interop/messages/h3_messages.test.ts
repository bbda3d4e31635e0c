/**
 * `event.context.messages` of the h3 middleware, through real h3 v2 and h3 v1 servers on a port,
 * with real Django 3.2/4.2/5.2/6.1 on the other side of a browser's cookies, for each of Django's
 * message storages (tests/interop/messages/_both_ways.ts).
 */
import { H3 } from "h3";
import * as v1 from "h3-v1";
import { type DjangoContext, djangoSession } from "../../../src/adapters/h3.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { freePort } from "../../../examples/_launch.ts";
import { type Listening, listenV1, listenV2 } from "../adapters/_h3_listen.ts";
import { messagesBothWays } from "./_both_ways.ts";
import { addTwo, listed } from "./_cycle.ts";

/** GET lists the messages, POST adds two. */
function page(method: string, { messages }: DjangoContext, framework: string) {
  if (method !== "POST") return listed(messages);
  addTwo(messages, framework);
  return "added";
}

/** The app's answer to the shared cases, over the listening server. */
function served(server: Listening) {
  return {
    send: (method: "GET" | "POST", cookie: string) =>
      fetch(`${server.url}/`, { method, headers: { cookie } }),
    close: () => server.close(),
  };
}

// About messages: CSRF has its own tests (tests/interop/csrf/h3_reasons.test.ts).
const csrfExempt = () => true;

messagesBothWays("h3-v2", async (settings) => {
  const django = djangoSession({ backend: new SignedCookieBackend(settings), csrfExempt });
  const app = new H3().use(django).use((event) =>
    page(event.req.method, django.context(event), "h3-v2")
  );
  return served(await listenV2(app, await freePort()));
});

messagesBothWays("h3-v1", async (settings) => {
  const django = djangoSession({ backend: new SignedCookieBackend(settings), csrfExempt });
  const app = v1.createApp({ onError: django.onError }).use(django);
  app.use(v1.defineEventHandler((event) => page(event.method, django.context(event), "h3-v1")));
  return served(await listenV1(app, await freePort()));
});
