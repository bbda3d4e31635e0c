// GET /api/visits/<server>: a route handler reading the session and Next's params (a Promise,
// typed by route() without annotations), e.g. /api/visits/django → Django's counter and the user.
import { route } from "../../../../lib/django.ts";

export const GET = route(async (_request, { session, user, params }) => {
  const { name } = await params;
  const visits = (await session.load()).get(`visits_${name}`) ?? null;
  return Response.json({ user: (await user())?.username ?? null, name, visits });
});
