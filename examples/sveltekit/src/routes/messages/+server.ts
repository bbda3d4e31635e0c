// "/messages": Django's messages as JSON. GET lists them (Django's iteration: they are gone after);
// POST (CSRF-checked) leaves one for the next page, Django's or SvelteKit's.
import { json, text } from "@sveltejs/kit";
import type { RequestHandler } from "./$types";

export const GET: RequestHandler = async ({ locals }) =>
  json(
    (await locals.messages.list()).map((m) => [m.level, m.message, m.extraTags, m.tags, m.safe]),
  );

export const POST: RequestHandler = ({ locals }) => {
  locals.messages.success("Saved from SvelteKit", { extraTags: "sveltekit" });
  return text("added");
};
