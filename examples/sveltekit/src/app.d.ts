// The app's one line of typing: `event.locals` is what the djangoSession hook provides, its user
// the type the `user` loader returns (Django's user row here).
import type { LocalsOf } from "../../../src/adapters/sveltekit.ts";
import type { django } from "$lib/server/django";

declare global {
  namespace App {
    interface Locals extends LocalsOf<typeof django> {}
  }
}

export {};
