/**
 * Signed-cookie sessions: the store contract (no rows, so its row checks are not registered) and a
 * session's own expiry inside the signed value. Django's side is
 * tests/interop/stores/signed_cookies_django.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { storeContract } from "../../_contract.ts";

/** Bun stops a test after 5 s; a busy two-core machine can need longer. */
const slow = { timeout: 60_000 };

const SECRET_KEY = "django-insecure-test-key";

storeContract("signed cookies", () => ({ backend: new SignedCookieBackend({ SECRET_KEY }) }), {
  serverSide: false,
});

test(
  "a session past its own expiry reads as none, though its signature is young enough",
  slow,
  async () => {
    for (const djangoVersion of ["5.2", "3.2"]) {
      const backend = new SignedCookieBackend({ SECRET_KEY, djangoVersion });
      const session = await backend.getSession().load();
      session.set("n", 1);
      session.setExpiry(new Date(Date.now() + 60_000));
      await session.save();
      assert.equal((await backend.store.load(session.key!))?.n, 1, djangoVersion);
      session.setExpiry(new Date(Date.now() - 60_000));
      await session.save();
      assert.equal(await backend.store.load(session.key!), null, djangoVersion);
    }
  },
);
