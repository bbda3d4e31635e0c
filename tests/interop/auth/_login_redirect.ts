/**
 * Django's own `login_required` answering an anonymous request, for the login-required tests of
 * every adapter: `DJANGO_LOCATIONS` runs each case through RequestFactory and the decorator and
 * gives the `Location` values; `djangoLocation` one case on the newest Django.
 */
import { django, DJANGO_VERSIONS } from "../../_django.ts";

/** One anonymous request: its path, `LOGIN_URL`, `Host`, scheme and redirect field. */
export interface LoginCase {
  path: string;
  login: string;
  host?: string;
  secure?: boolean;
  field?: string | null;
}

/** The `Location` of Django's `login_required` for each case in `args`. */
export const DJANGO_LOCATIONS = `
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
import sys, types
# resolve_url() tries reverse() first: an empty URLconf lets every LOGIN_URL through as a URL.
sys.modules.setdefault("emptyurls", types.ModuleType("emptyurls")).urlpatterns = []
result = []
for case in args:
    with override_settings(LOGIN_URL=case["login"], ALLOWED_HOSTS=["*"], ROOT_URLCONF="emptyurls"):
        request = RequestFactory().get(case["path"], secure=case.get("secure", False),
                                       HTTP_HOST=case.get("host", "testserver"))
        request.user = AnonymousUser()
        kwargs = {"redirect_field_name": case["field"]} if "field" in case else {}
        result.append(login_required(lambda r: HttpResponse("ok"), **kwargs)(request)["Location"])
`;

/**
 * The `Location` the newest Django's `login_required` answers for one case.
 *
 * @param c the request and `LOGIN_URL`
 * @returns the `Location`
 */
export async function djangoLocation(c: LoginCase): Promise<string> {
  const newest = DJANGO_VERSIONS[DJANGO_VERSIONS.length - 1];
  const [location] = await django(newest).run<string[]>(DJANGO_LOCATIONS, [c]);
  return location;
}
