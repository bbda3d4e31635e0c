"use server";
// The writes of "/" are Server Actions: read the session from cookies(), change it, save it —
// save() stores the messages and sets Django's cookies through cookies().set, and Next renders "/"
// again.
import { cookies } from "next/headers";
import { read, save } from "../lib/django.ts";

export async function countVisit(): Promise<void> {
  const store = await cookies();
  const { session } = await read(store);
  await session.load();
  session.set("visits_next", (Number(session.get("visits_next")) || 0) + 1);
  await save(session, store);
}

/** Leaves a message for the next page, Django's or this one (MESSAGE_STORAGE SessionStorage). */
export async function leaveMessage(): Promise<void> {
  const store = await cookies();
  const { session, messages } = await read(store);
  messages.success("Left by a Next Server Action", { extraTags: "next" });
  await save(session, store);
}
