// /api/messages: Django's messages in a route handler, committed as Django's MessageMiddleware
// does. GET lists them as JSON (Django's iteration: gone after); POST (CSRF-checked) leaves one.
import { route } from "../../../lib/django.ts";

export const GET = route(async (_request, { messages }) =>
  Response.json(
    (await messages.list()).map((m) => [m.level, m.message, m.extraTags, m.tags, m.safe]),
  )
);

export const POST = route((_request, { messages }) => {
  messages.success("Saved from a Next route handler", { extraTags: "next" });
  return new Response("added");
});
