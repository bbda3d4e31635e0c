/**
 * Human output (colour only on a terminal) and `--json`, one shape for every command: a list of
 * findings, each a level and a line that says what to change.
 *
 * @module
 */
import type { Host } from "./host.ts";

/** One line of a report. */
export interface Finding {
  /** `ok` passes, `warn` works but deserves a look, `error` is why something fails. */
  level: "ok" | "warn" | "error" | "info";
  /** What was found, and what to change. */
  text: string;
}

const COLOURS = { ok: "\x1b[32m", warn: "\x1b[33m", error: "\x1b[31m", info: "\x1b[2m" };
const MARKS = { ok: "✓", warn: "!", error: "✗", info: "·" };

/**
 * Prints findings for a person, or the whole report as JSON.
 *
 * @param host where to write
 * @param report the command's report, with its `findings`
 * @param json print JSON
 */
export function print(host: Host, report: { findings: Finding[] }, json: boolean): void {
  if (json) {
    host.write(JSON.stringify(report, null, 2) + "\n");
    return;
  }
  for (const { level, text } of report.findings) {
    const mark = host.isTerminal ? `${COLOURS[level]}${MARKS[level]}\x1b[0m` : MARKS[level];
    host.write(`${mark} ${text}\n`);
  }
}

/**
 * The exit code of a report: 1 when any finding is an error.
 *
 * @param findings the findings
 * @returns 0 or 1
 */
export function exitCode(findings: Finding[]): number {
  return findings.some((f) => f.level === "error") ? 1 : 0;
}
