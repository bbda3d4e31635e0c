// Next 16's proxy (formerly middleware) runs on the Node.js runtime, so it reads the session from
// any store: /account sends anonymous visitors to the login page (Django's `login_required`, its
// 302 and `next`), pages with Django forms get the CSRF cookie (Django's @ensure_csrf_cookie), and
// "/", which shows Django's messages, gets them taken for its render (shown once, as in Django).
import type { NextRequest } from "next/server";
import { loginRequired, proxy as djangoProxy } from "./lib/django.ts";

export async function proxy(request: NextRequest) {
  if (request.nextUrl.pathname === "/account") {
    const anonymous = await loginRequired(request, { loginUrl: "/login" });
    if (anonymous) return anonymous;
  }
  const messages = request.nextUrl.pathname === "/";
  return await djangoProxy(request, { csrfCookie: true, messages });
}

export const config = { matcher: ["/", "/login", "/account"] };
