"use server";
// The visit counter is a write, so it is a Server Action: read the session from cookies(), change
// it, save it — save() sets Django's cookie through cookies().set, and Next renders "/" again.
import { cookies } from "next/headers";
import { read, save } from "../lib/django.ts";

export async function countVisit(): Promise<void> {
  const store = await cookies();
  const { session } = await read(store);
  await session.load();
  session.set("visits_next", (Number(session.get("visits_next")) || 0) + 1);
  await save(session, store);
}
