// "/account": only for a logged-in user (the accountLogin hook in src/hooks.server.ts).
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => ({
  user: String((await locals.user())?.username),
});
