/**
 * Issue 12: `login()` in `withSession` rotates the CSRF token as Django's `login` does — the
 * token rendered before the login is refused afterwards by Django 3.2/4.2/5.2/6.1 and by
 * `withSession`; a token for the new cookie passes both (`_login.ts`).
 */
import { toService } from "./_probe.ts";
import { describeLoginRotation } from "./_login.ts";
import { service } from "./_service.ts";

describeLoginRotation("withSession", (settings, users) => {
  const ours = service(settings, users);
  return Promise.resolve({
    send: (probe) => toService(ours, probe),
    close: () => Promise.resolve(),
  });
});
