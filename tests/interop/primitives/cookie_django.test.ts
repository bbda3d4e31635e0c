// The cookie string layer against real Django: parse_cookie, Morsel.OutputString and http_date on
// the same inputs, random and hand-picked.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { httpDate, parseCookie, serializeCookie } from "../../../src/primitives/cookie.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

after(closeDjangos);

const PARSE = `
from django.http.cookie import parse_cookie
result = [sorted(parse_cookie(h).items()) for h in args]
`;

const SERIALIZE = `
from http.cookies import SimpleCookie
result = []
for name, value, attrs in args:
    c = SimpleCookie()
    c[name] = value
    for k, v in attrs.items():
        c[name][k] = v
    result.append(c[name].OutputString())
`;

const HAND_PICKED = [
  "",
  "sessionid=abc",
  "sessionid=first; sessionid=last",
  ' sessionid = "q\\"u\\157te\\\\d" ; other=1',
  "novalue; =; ;;; a==b=c; =bare",
  'x="unterminated; y=""; z="a\\400b"',
  "\u00e9t\u00e9=\u00e0; \x1csp\x1c=\x1f1\x1f; \ufeffbom=\ufeff",
  "a=1;".repeat(5000) + "sessionid=huge",
];

/** Headers of cookie-ish characters: separators, quotes, backslashes, digits, spaces, Latin-1. */
const header = fc.array(
  fc.constantFrom(...'ab09=;" \\,\t\x1c\u00a0\u00e9\ufeff'),
  { maxLength: 60 },
).map((chars) => chars.join(""));

for (const version of DJANGO_VERSIONS) {
  describe(`cookie strings match Django ${version}`, () => {
    test("parseCookie equals parse_cookie on hand-picked and random headers", async () => {
      const inputs = [...HAND_PICKED, ...fc.sample(header, { numRuns: 500, seed: 42 })];
      const expected = await django(version).run<[string, string][][]>(PARSE, inputs);
      inputs.forEach((input, i) => {
        const ours = [...parseCookie(input)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        assert.deepEqual(ours, expected[i], `header ${JSON.stringify(input)}`);
      });
    });

    test("serializeCookie equals Morsel.OutputString, quoting included", async () => {
      const values = [
        "",
        "k2n3b5m1",
        "a.b:c-d_e",
        'sp ace;"\\,',
        "\u00e9\x01\u20ac",
        ...fc.sample(fc.string({ maxLength: 20 }), { numRuns: 200, seed: 7 }),
      ];
      const attrs = {
        expires: "Thu, 01 Jan 1970 00:00:00 GMT",
        "max-age": 0,
        domain: ".example.com",
        path: "/app",
        secure: true,
        httponly: true,
        samesite: "Strict",
      };
      const cases = values.flatMap((value) => [
        ["sessionid", value, {}],
        ["sessionid", value, attrs],
      ]);
      const expected = await django(version).run<string[]>(SERIALIZE, cases);
      for (const [i, [name, value, given]] of cases.entries()) {
        const full = Object.keys(given as object).length > 0;
        const ours = serializeCookie(name as string, value as string, {
          ...(full
            ? {
              expires: attrs.expires,
              maxAge: 0,
              domain: attrs.domain,
              path: attrs.path,
              secure: true,
              httpOnly: true,
              sameSite: "Strict",
            }
            : {}),
        });
        assert.equal(ours, expected[i], `value ${JSON.stringify(value)}`);
      }
    });

    test("httpDate equals django.utils.http.http_date", async () => {
      const times = [0, 1, 1700000000.999, 1799999999, 4102444800, 951782400];
      const expected = await django(version).run<string[]>(
        "from django.utils.http import http_date\nresult = [http_date(t) for t in args]",
        times,
      );
      assert.deepEqual(times.map(httpDate), expected);
    });
  });
}
