/**
 * One hasher both ways with real Django, whatever runs our side (this runtime, or a Worker in
 * workerd): Django's hashes verify on our side and wrong passwords do not, and our hashes pass
 * Django's `check_password`. Django runs at the lowered costs of `_hashers.ts`.
 */
import assert from "node:assert/strict";
import { django, type DjangoVersion } from "../../_django.ts";
import { CHEAP, passwordHashers, PASSWORDS } from "./_hashers.ts";

/** Real Django with every hasher of its release at the lowered costs. */
export interface CheapDjango {
  run<T>(code: string, args: unknown): Promise<T>;
  make(password: string, algorithm: string): Promise<string>;
  check(password: string, encoded: string): Promise<boolean>;
}

/**
 * Django `version` with `PASSWORD_HASHERS` of every hasher it ships, at the lowered costs.
 *
 * @param version the release
 * @returns its `run`, `make_password` and `check_password`
 */
export function cheapDjango(version: DjangoVersion): CheapDjango {
  const dj = django(version, { PASSWORD_HASHERS: passwordHashers(version) });
  const run = <T>(code: string, args: unknown) => dj.run<T>(CHEAP + code, args);
  return {
    run,
    make: (password, algorithm) =>
      run<string>(`result = h.make_password(args[0], hasher=args[1])`, [password, algorithm]),
    check: (password, encoded) =>
      run<boolean>(`result = h.check_password(args[0], args[1])`, [password, encoded]),
  };
}

/** Our side of a check: where `verify` and `make` run is up to the caller. */
export interface OurSide {
  verify(password: string, encoded: string): Promise<boolean>;
  make(password: string, algorithm: string): Promise<string>;
  /** Extra assertions on each of Django's hashes. */
  inspect?(encoded: string, algorithm: string): void;
}

/**
 * Checks `algorithm` both ways for each of the suite's passwords.
 *
 * @param dj real Django
 * @param ours our side
 * @param algorithm the hasher's algorithm
 */
export async function bothWays(dj: CheapDjango, ours: OurSide, algorithm: string): Promise<void> {
  for (const password of PASSWORDS) {
    const theirs = await dj.make(password, algorithm);
    ours.inspect?.(theirs, algorithm);
    assert.equal(await ours.verify(password, theirs), true, theirs);
    assert.equal(await ours.verify(password + "x", theirs), false, theirs);
    const mine = await ours.make(password, algorithm);
    assert.equal(await dj.check(password, mine), true, mine);
    assert.equal(await dj.check(password + "x", mine), false, mine);
  }
}
