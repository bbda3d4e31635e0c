"""A one-file Django site sharing its sessions with the TypeScript examples.

    python3 examples/django_app.py            # migrate, then serve on 127.0.0.1:8000
    python3 examples/django_app.py migrate    # only migrate

The database is DATABASE_URL (postgres://user@host:port/name) when set, else the SQLite file
SQLITE_PATH (default examples/db.sqlite3) — Django's own default engine. DJANGO_SECRET_KEY must be
the secret the TypeScript servers use; DJANGO_PORT picks the port. The page "/" adds one to
`visits_django` and shows the user and the whole session, which the Deno, Bun, Node and Hono servers
also count in. Migrating creates the superuser DEMO_USERNAME / DEMO_PASSWORD (demo / demo-password)
if it is missing, to log in with here (the admin) or on any TypeScript server ("/login").
"""
import json
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import django
from django.conf import settings
from django.urls import path

HERE = Path(__file__).resolve().parent


def database():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3",
                "NAME": os.environ.get("SQLITE_PATH", str(HERE / "db.sqlite3"))}
    parts = urlparse(url)
    return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "", "PORT": str(parts.port or "")}


settings.configure(
    DEBUG=True,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "django-insecure-demo-key-change-me"),
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    DATABASES={"default": database()},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    USE_TZ=True,
    MESSAGE_STORAGE=os.environ.get("DJANGO_MESSAGE_STORAGE",
                                   "django.contrib.messages.storage.fallback.FallbackStorage"),
    INSTALLED_APPS=[
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ],
    TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": [
            "django.template.context_processors.request",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]},
    }],
)
django.setup()

from django.contrib import admin  # noqa: E402  (needs settings)
from django.http import HttpResponse  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.utils.html import escape  # noqa: E402

# The TypeScript servers and their default ports, as in examples/_config.ts.
SERVERS = {"deno": 8001, "bun": 8002, "node": 8003, "hono": 8004}


def counter(request):
    request.session["visits_django"] = request.session.get("visits_django", 0) + 1
    shown = json.dumps(dict(request.session.items()), indent=2, sort_keys=True)
    user = request.user.get_username() if request.user.is_authenticated else "anonymous"
    urls = {name: f"http://127.0.0.1:{os.environ.get(f'{name.upper()}_PORT', port)}"
            for name, port in SERVERS.items()}
    pages = " · ".join(f"<a href='{url}/'>{name}</a>" for name, url in urls.items())
    logins = " · ".join(f"<a href='{url}/login'>{name}</a>" for name, url in urls.items())
    return HttpResponse(
        f"<!doctype html><title>Django</title><h1>Django {django.get_version()}</h1><p>{pages}</p>"
        f"<p><a href='/admin/login/?next=/'>log in with Django's admin</a> · log in on {logins}</p>"
        "<form method='post' action='/admin/logout/'><input type='hidden' name='csrfmiddlewaretoken'"
        f" value='{get_token(request)}'><button id='logout'>log out</button></form>"
        f"<p>user: <span id='user'>{escape(user)}</span> · <a href='/admin/'>admin</a></p>"
        f"<pre id='session'>{escape(shown)}</pre>"
    )


def seed_demo_user():
    from django.contrib.auth.models import User

    username = os.environ.get("DEMO_USERNAME", "demo")
    if not User.objects.filter(username=username).exists():
        User.objects.create_superuser(username, "", os.environ.get("DEMO_PASSWORD", "demo-password"))


urlpatterns = [path("", counter), path("admin/", admin.site.urls)]

if __name__ == "__main__":
    from django.core.management import call_command

    # --fake-initial: a TypeScript server may have created django_session before Django ran.
    call_command("migrate", fake_initial=True, verbosity=0)
    seed_demo_user()
    if sys.argv[1:] != ["migrate"]:
        port = os.environ.get("DJANGO_PORT", "8000")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
