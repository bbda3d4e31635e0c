// Next 16's proxy (formerly middleware) runs on the Node.js runtime, so it reads the session from
// any store: /account sends anonymous visitors to the login page (Django's `login_required`, its
// 302 and `next`), and pages with Django forms get the CSRF cookie (Django's @ensure_csrf_cookie).
import type { NextRequest } from "next/server";
import { ensureCsrfCookie, loginRequired } from "./lib/django.ts";

export async function proxy(request: NextRequest) {
  if (request.nextUrl.pathname === "/account") {
    const anonymous = await loginRequired(request, { loginUrl: "/login" });
    if (anonymous) return anonymous;
  }
  return await ensureCsrfCookie(request);
}

export const config = { matcher: ["/", "/login", "/account"] };
