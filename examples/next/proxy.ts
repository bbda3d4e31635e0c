// Next 16's proxy (formerly middleware) runs on the Node.js runtime, so it reads the session from
// any store: pages with Django forms get the CSRF cookie (Django's @ensure_csrf_cookie), and
// /account sends anonymous visitors to the login page (`login_required`; Next wants the redirect's
// URL absolute).
import { type NextRequest, NextResponse } from "next/server";
import { loginRedirectUrl } from "../../src/auth/mod.ts";
import { ensureCsrfCookie, read } from "./lib/django.ts";

export async function proxy(request: NextRequest) {
  if (request.nextUrl.pathname === "/account") {
    const { user } = await read(request.cookies);
    if (!(await user())) {
      return NextResponse.redirect(new URL(loginRedirectUrl(request.url, "/login"), request.url));
    }
  }
  return await ensureCsrfCookie(request);
}

export const config = { matcher: ["/", "/login", "/account"] };
