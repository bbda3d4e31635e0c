"""Runs real Django for the TypeScript tests.

argv[1] is a JSON object of Django settings (merged over the defaults below). Each stdin line is a
JSON request {"id", "code", "args"}: the code runs with `args` in scope and leaves its answer in
`result`; each answer is one stdout line {"id", "ok", "result" | "error"}.
"""
import json
import sys
import traceback

import django
from django.conf import settings

if django.VERSION >= (6, 1):
    # Django ≥ 5.1 needs mysqlclient ≥ 2.2.1, which Debian does not package; PyMySQL (unpacked beside
    # Django 6.1 by .ci/django-releases) stands in for it, as it is made to.
    import pymysql
    pymysql.install_as_MySQLdb()

defaults = {
    "SECRET_KEY": "django-insecure-test-key",
    "INSTALLED_APPS": [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
    ],
    "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    "USE_TZ": True,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
}
defaults.update(json.loads(sys.argv[1]))
settings.configure(**defaults)
django.setup()
import django.db  # noqa: E402

out = sys.stdout
sys.stdout = sys.stderr  # stray prints must not break the protocol
for line in sys.stdin:
    request = json.loads(line)
    scope = {"args": request.get("args"), "result": None}
    try:
        exec(request["code"], scope)
        answer = {"id": request["id"], "ok": True, "result": scope["result"]}
    except Exception as error:  # reported to the test, which fails with it
        answer = {"id": request["id"], "ok": False, "error": f"{type(error).__name__}: {error}",
                  "traceback": traceback.format_exc()}
    # Bun runs every test file in one process, so these processes all live until the end: a server
    # connection held between requests would exhaust PostgreSQL's max_connections. SQLite's stay
    # (an in-memory database, or a lock a test holds across requests, lives in its connection).
    for connection in django.db.connections.all():
        if connection.vendor != "sqlite":
            connection.close()
    out.write(json.dumps(answer, default=str) + "\n")
    out.flush()
