/**
 * Issue 12 for Express: the CSRF parity table (`_probes.ts`) sent to real Django (3.2, 4.2, 5.2,
 * 6.1) and, over HTTP, to djangoSession on real Express: the same status and Django's reason for
 * every legitimate, forged, missing, malformed, wrong-origin and insecure-referer request — the
 * form token read from the body Express's parsers made, HTTPS known from `req.protocol` behind a
 * trusted proxy.
 */
import { after, before, describe, test } from "node:test";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { siteSettings, TRUSTED } from "./_probe.ts";
import { assertParity } from "./_probes.ts";
import { type ExpressService, expressService } from "./_express_service.ts";

after(closeDjangos);

for (const version of DJANGO_VERSIONS) {
  describe(`CSRF reasons, Django ${version} and Express`, () => {
    const site = django(version, siteSettings(version));
    let ours: ExpressService;
    before(async () => {
      ours = await expressService({ djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED });
    });
    after(() => ours.close());

    test("every request gets the same answer and reason from both", async () => {
      const statuses = await assertParity(site, version, ours.send);
      console.log(`Django ${version}:\n  ${statuses.join("\n  ")}`);
    });
  });
}
