/**
 * Session dictionaries every codec test sends through real Django and back. Values are chosen so
 * that Python and JavaScript hold the same thing (no `1.0`, no ints beyond 2^53: those have their own
 * tests).
 */
export const CASES: Record<string, Record<string, unknown>> = {
  ascii: {
    _auth_user_id: "42",
    _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
    _auth_user_hash: "ab".repeat(32),
  },
  accents: { name: "Zoë Ångström", city: "Besançon", word: "naïve café" },
  cyrillic: { "город": "Москва", "имя": "Юлия" },
  emoji: { mood: "😀🎉👍🏽", flag: "🇫🇷", text: "a😀b" },
  control: {
    ctl: '\u0000\u0001\b\t\n\f\r\u001f\u007f"\\/',
    wide: "\u0080\u00ff\u200e\u2028\ufeff",
  },
  nested: {
    cart: { items: [{ sku: "A1", qty: 2, tags: [] }, { sku: "B2", qty: 1, opts: { gift: true } }] },
    empty: {},
    deep: [[[["x"]]]],
  },
  numbers: {
    zero: 0,
    neg: -17,
    quarter: 3.25,
    tiny: 1.5e-7,
    small: 0.0001,
    huge: 1e300,
    maxSafe: 9007199254740991,
    tenth: -0.1,
    third: 1 / 3,
  },
  literals: { t: true, f: false, n: null, list: [true, false, null] },
  empty: {},
  large: {
    log: "lorem ipsum dolor ".repeat(4000),
    list: Array.from({ length: 2000 }, () => "same"),
  },
};

/** The HMAC secret the tests give Django (`SECRET_KEY`) and the codec (`secretKey`). */
export const SECRET = "django-insecure-codec-tests-0123456789";

/**
 * Test options for anything that starts Django or inflates megabytes: Bun stops a test after 5 s by
 * default, and starting three Djangos on a busy two-core machine can take longer than that.
 */
export const SLOW = { timeout: 120_000 };
