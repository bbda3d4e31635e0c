/**
 * One request/response cycle in real Django for the messages tests: RequestFactory through
 * `SessionMiddleware` and `MessageMiddleware`, a view that lists (`get_messages`) and adds
 * (`add_message`, `mark_safe` for safe ones); the answer holds what it saw, the `Set-Cookie`
 * values Django sent and the session's `_messages` text afterwards. And the two pages of each
 * adapter's app (tests/interop/messages/_both_ways.ts), importable by a server outside the runner.
 */
import type { RequestMessages } from "../../../src/messages/request_messages.ts";

/** [level, text, extra_tags, safe] */
export type Added = [number, string, string, boolean];
/** What a view saw: [level, text, extra_tags, tags, safe] */
export type Seen = [number, string, string | null, string, boolean];

export const CYCLE = `
import json
from django.test import RequestFactory, override_settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib import messages
from django.http import HttpResponse
from django.utils.safestring import SafeData, mark_safe

def view(request):
    seen = []
    if args["read"]:
        seen = [[m.level, str(m.message), m.extra_tags, m.tags, isinstance(m.message, SafeData)]
                for m in messages.get_messages(request)]
    for level, text, tags, safe in args["add"]:
        messages.add_message(request, level, mark_safe(text) if safe else text, extra_tags=tags)
    return HttpResponse(json.dumps(seen))

with override_settings(MESSAGE_STORAGE=args["storage"], MESSAGE_TAGS={40: "danger", 50: "critical"}):
    request = RequestFactory().get("/", HTTP_COOKIE=args["cookie"])
    response = SessionMiddleware(MessageMiddleware(view))(request)
    raw = request.session.get("_messages")
result = {"seen": json.loads(response.content), "cookies": [m.OutputString() for m in response.cookies.values()], "raw": raw}
`;

/** A Django with settings, as tests/_django.ts gives it. */
interface Runs {
  run<T>(code: string, args: unknown): Promise<T>;
}

/** A browser's cookies: the `Cookie` header, and what `Set-Cookie` values change. */
interface Jar {
  header(): string;
  take(setCookies: readonly string[]): void;
}

/**
 * One Django request through CYCLE with the jar's cookies; the jar takes Django's `Set-Cookie`.
 *
 * @param dj the Django to run it in
 * @param storage `MESSAGE_STORAGE`
 * @param jar the cookies
 * @param read whether the view lists the messages
 * @param add what the view adds
 * @returns what the view listed
 */
export async function djangoCycle(
  dj: Runs,
  storage: string,
  jar: Jar,
  read: boolean,
  add: Added[] = [],
): Promise<Seen[]> {
  const answer = await dj.run<{ seen: Seen[]; cookies: string[] }>(CYCLE, {
    storage,
    cookie: jar.header(),
    read,
    add,
  });
  jar.take(answer.cookies);
  return answer.seen;
}

/** What an adapter's GET answers as JSON: the request's messages as Django's view lists them. */
export async function listed(messages: RequestMessages): Promise<Seen[]> {
  return (await messages.list()).map((m) => [m.level, m.message, m.extraTags, m.tags, m.safe]);
}

/** What an adapter's POST does: a success with extra tags `framework`, and a safe error. */
export function addTwo(messages: RequestMessages, framework: string): void {
  messages.success(`Saved from ${framework}`, { extraTags: framework });
  messages.error("<i>bold</i>", { safe: true });
}
