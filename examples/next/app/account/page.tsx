// "/account": proxy.ts sends anonymous visitors to Django's LOGIN_URL first.
import { cookies } from "next/headers";
import { read } from "../../lib/django.ts";

export default async function Account() {
  const { user } = await read(await cookies());
  return <p id="account">{String((await user())?.username)}</p>;
}
