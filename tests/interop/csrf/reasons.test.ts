/**
 * Issue 12: the same requests to real Django (3.2, 4.2, 5.2, 6.1; CsrfViewMiddleware through the
 * test Client with enforce_csrf_checks) and to `withSession` on the same cookie: every legitimate
 * request passes both, every forged, missing, malformed, wrong-origin or insecure-referer one is
 * refused by both with the same status and Django's reason.
 */
import { after, describe, test } from "node:test";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { siteSettings, toService, TRUSTED } from "./_probe.ts";
import { assertParity } from "./_probes.ts";
import { service } from "./_service.ts";

after(closeDjangos);

for (const version of DJANGO_VERSIONS) {
  describe(`CSRF reasons, Django ${version} and withSession`, () => {
    const site = django(version, siteSettings(version));
    const ours = service({ djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED });

    test("every request gets the same answer and reason from both", async () => {
      const statuses = await assertParity(site, version, (probe) => toService(ours, probe));
      console.log(`Django ${version}:\n  ${statuses.join("\n  ")}`);
    });
  });
}
