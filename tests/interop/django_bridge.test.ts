import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django, DJANGO_VERSIONS } from "../_django.ts";

after(closeDjangos);

for (const version of DJANGO_VERSIONS) {
  test(`the bridge runs Django ${version}`, async () => {
    const got = await django(version).run<string>("import django; result = django.get_version()");
    assert.ok(got.startsWith(version), `${got} is not ${version}`);
  });
}
