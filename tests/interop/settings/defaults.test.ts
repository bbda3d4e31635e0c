/**
 * `djangoSettings`' defaults against real Django's: `django.conf.global_settings` of 3.2, 4.2 and
 * 5.2 for every setting it has, and `contrib.messages`' fallbacks for the two it reads with
 * `getattr` (`MESSAGE_LEVEL`, `MESSAGE_TAGS`). Ours are 5.2's (plus 3.2's `DEFAULT_HASHING_ALGORITHM`);
 * each release differs only where listed below, and each listed difference is checked too.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { djangoSettings } from "../../../mod.ts";
import { closeDjangos, django, DJANGO_VERSIONS, type DjangoVersion } from "../../_django.ts";
import { SLOW } from "../../golden/cases.ts";

after(closeDjangos);

const DEFAULTS = `
from django.conf import global_settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.utils import get_level_tags

MISSING = "<missing>"
result = {name: getattr(global_settings, name, MISSING) for name in args}
# Not in global_settings: contrib.messages falls back to these when the project sets none.
result["MESSAGE_LEVEL"] = BaseStorage(None).level
result["MESSAGE_TAGS"] = {
    str(level): tag for level, tag in get_level_tags().items() if constants.DEFAULT_TAGS.get(level) != tag
}
`;

/** Where a release's defaults differ from ours: its value, or "<missing>". */
const DIFFERENCES: Partial<Record<DjangoVersion, Record<string, unknown>>> = {
  "3.2": {
    // SECRET_KEY_FALLBACKS arrived in 4.1.
    SECRET_KEY_FALLBACKS: "<missing>",
  },
  // DEFAULT_HASHING_ALGORITHM was a 3.1–3.2 transition setting, removed in 4.0.
  "4.2": { DEFAULT_HASHING_ALGORITHM: "<missing>" },
  "5.2": { DEFAULT_HASHING_ALGORITHM: "<missing>" },
  "6.1": { DEFAULT_HASHING_ALGORITHM: "<missing>" },
};

const ours = djangoSettings({ SECRET_KEY: "django-insecure-test-key" });
/** Django's settings among ours: the UPPER_CASE ones (camelCase keys have no Django twin). */
const NAMES = Object.keys(ours).filter((name) => /^[A-Z_]+$/.test(name) && name !== "SECRET_KEY");

for (const version of DJANGO_VERSIONS) {
  test(`every default is Django ${version}'s`, SLOW, async () => {
    const theirs = await django(version).run<Record<string, unknown>>(DEFAULTS, NAMES);
    // djangoVersion picks the defaults that changed between releases (PASSWORD_HASHERS).
    const mine = djangoSettings({ SECRET_KEY: "django-insecure-test-key", djangoVersion: version });
    const expected = Object.fromEntries(NAMES.map((name) => {
      const value = (mine as unknown as Record<string, unknown>)[name];
      // Python's None for "no SameSite"; the bridge's JSON turns tuples into lists.
      return [
        name,
        DIFFERENCES[version]?.[name] ?? (value === false && /SAMESITE/.test(name) ? null : value),
      ];
    }));
    assert.deepEqual(theirs, expected);
  });
}

test(
  "Django's global_settings has no session, CSRF or auth setting we leave out",
  SLOW,
  async () => {
    const theirs = await django("5.2").run<string[]>(`
from django.conf import global_settings
prefixes = ("SESSION_", "CSRF_", "MESSAGE_", "AUTHENTICATION_BACKENDS", "PASSWORD_HASHERS", "SECRET_KEY")
result = sorted(n for n in dir(global_settings) if n.startswith(prefixes))`);
    // SESSION_ENGINE/SESSION_FILE_PATH/SESSION_CACHE_ALIAS pick Django's own store (the backend
    // object here); CSRF_FAILURE_VIEW is a Django view.
    const elsewhere = [
      "CSRF_FAILURE_VIEW",
      "SESSION_CACHE_ALIAS",
      "SESSION_ENGINE",
      "SESSION_FILE_PATH",
    ];
    const known = new Set([...Object.keys(ours), ...elsewhere]);
    assert.deepEqual(theirs.filter((name) => !known.has(name)), []);
  },
);
