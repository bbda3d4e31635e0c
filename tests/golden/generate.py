"""Prints golden vectors of django.core.signing and the session codec, made by the Django on
PYTHONPATH with the clock frozen, as JSON. Run through tests/golden/regenerate, not by hand."""
import json
import sys
from unittest import mock

import django
from django.conf import settings

settings.configure(
    SECRET_KEY="golden-secret-key",
    INSTALLED_APPS=["django.contrib.sessions"],
    **({"DEFAULT_HASHING_ALGORITHM": "sha1"} if "--sha1" in sys.argv else {}),
)
django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core import signing  # noqa: E402
from django.utils.crypto import salted_hmac  # noqa: E402

try:
    b62_encode = signing.b62_encode
except AttributeError:  # Django < 4.0
    from django.utils.baseconv import base62
    b62_encode = base62.encode

NOW = 1700000000.5
VALUES = [
    None, True, False, 0, -1, 42, 2**53 - 1, 0.5, -2.25, 1e-05, 1.5e-07, 0.0001, 123.456,
    1e300, 1 / 3, "", "hello", "Zoë Ångström", "Москва", "😀 🇫🇷", "\x00\x01\x1f\x7f\x80\"\\/\n\t",
    "\u2028\ufeff", [], {}, [1, [2, [3, {"a": None}]]], {"b": 1, "a": [True, "x"]},
]
SESSIONS = [
    {},
    {"_auth_user_id": "1", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
     "_auth_user_hash": "0" * 64},
    {"name": "Zoë", "city": "Москва", "mood": "😀"},
]


def json_text(value):
    return json.dumps(value, separators=(",", ":"))


with mock.patch("time.time", return_value=NOW):
    vectors = {
        "django": django.get_version(),
        "now": NOW,
        # Under DEFAULT_HASHING_ALGORITHM = "sha1", Django 3.2 signs with sha1 by default.
        "algorithm": "sha1" if "--sha1" in sys.argv else "sha256",
        "secret": settings.SECRET_KEY,
        "base62": [[n, b62_encode(n)] for n in (0, 1, 61, 62, 1700000000, 2**53 - 1)],
        "salted_hmac": [
            {"salt": salt, "value": value, "secret": secret, "algorithm": algorithm,
             "hex": salted_hmac(salt, value, secret, algorithm=algorithm).hexdigest()}
            for algorithm in ("sha1", "sha256", "sha512")
            for salt, value, secret in (("", "", "s"), ("a.salt", "Zoë 😀", "k" * 100))
        ],
        "json": [json_text(v) for v in VALUES],
        "signer": [
            {"options": options, "value": value, "signed": signing.Signer(**options).sign(value)}
            for options in ({"key": "k"}, {"key": "k", "salt": "s", "sep": "/"},
                            {"key": "k", "algorithm": "sha1"}, {"key": "k", "algorithm": "sha512"})
            for value in ("", "hello", "a:b", "Zoë 😀")
        ],
        "timestamp_signer": [
            {"value": value, "signed": signing.TimestampSigner(key="k").sign(value)}
            for value in ("", "hello", "a:b")
        ],
        "dumps": [
            {"json": json_text(v), "salt": salt, "compress": compress,
             "token": signing.dumps(v, salt=salt, compress=compress)}
            for v in VALUES for salt in ("django.core.signing", "x")
            for compress in (False, True)
        ],
        "sessions": [
            {"json": json_text(data), "token": SessionStore().encode(data)} for data in SESSIONS
        ],
    }
print(json.dumps(vectors, indent=2))
