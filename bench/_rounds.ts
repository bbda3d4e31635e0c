/**
 * What the in-process benchmarks share: each times its variants over several rounds, keyed by name,
 * and reports every key's median round; some also read the process's CPU time.
 */
import process from "node:process";

/** One round's figures, by key. */
export type Round = Record<string, number>;

/**
 * A key's median over the rounds.
 *
 * @param rounds every round's figures
 * @param key which figure
 * @returns its median (the upper one of an even count)
 */
export function roundMedian(rounds: readonly Round[], key: string): number {
  return rounds.map((round) => round[key]).sort((a, b) => a - b)[rounds.length >> 1];
}

/**
 * This process's CPU time so far (user + system).
 *
 * @returns microseconds
 */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
