"""A Django site for the CSRF interop tests: ROOT_URLCONF of tests/django/bridge.py.

Routes: /form/ renders `{% csrf_token %}` (the form Django gives a browser), /protected/ answers
"ok" to any method that passes CsrfViewMiddleware, /exempt/ is @csrf_exempt, /plain/ never uses the
token, /admin/ is Django's admin (its login view is CSRF-protected). `call(args)` sends one request
through the whole middleware stack with the test Client (enforce_csrf_checks=True) and returns what
a browser would see, plus the reason CsrfViewMiddleware logged.
"""
import logging

from django.contrib import admin
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

FORM = Template('<form method="post">{% csrf_token %}</form>')


def form(request):
    return HttpResponse(FORM.render(RequestContext(request)))


def protected(request):
    return HttpResponse("ok")


@csrf_exempt
def exempt(request):
    return HttpResponse("ok")


urlpatterns = [
    path("form/", form),
    path("protected/", protected),
    path("exempt/", exempt),
    path("plain/", protected),
    path("admin/", admin.site.urls),
]


class Reasons(logging.Handler):
    """Keeps the reason of the last 'Forbidden (%s): %s' CsrfViewMiddleware logged."""

    last = None

    def emit(self, record):
        Reasons.last = record.args[0]


logging.getLogger("django.security.csrf").addHandler(Reasons())
logging.getLogger("django.security.csrf").propagate = False


def call(args):
    """args: method, path, headers (lowercase names), body, contentType, secure."""
    Reasons.last = None
    meta = {}
    for name, value in args.get("headers", {}).items():
        key = name.upper().replace("-", "_")
        meta[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    if args.get("serverPort"):
        meta["SERVER_PORT"] = args["serverPort"]
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.generic(
        args["method"], args["path"], args.get("body") or "",
        content_type=args.get("contentType") or "application/octet-stream",
        secure=args.get("secure", False), **meta,
    )
    return {
        "status": response.status_code,
        "reason": Reasons.last if response.status_code == 403 else None,
        "cookies": {k: m.OutputString() for k, m in response.cookies.items()},
        "vary": response.get("Vary"),
        "location": response.get("Location"),
        "body": response.content.decode(),
    }
