// "/": adds one to `visits_sveltekit`; the page shows the user and the whole session.
import { HOST, SERVERS } from "../../../_config.ts";
import { recordVisit } from "../../../_page.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => ({
  session: recordVisit("sveltekit", await locals.session.load()),
  user: String((await locals.user())?.username ?? "anonymous"),
  csrfToken: locals.csrfToken(),
  host: HOST,
  servers: Object.entries(SERVERS),
});
