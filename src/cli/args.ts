/**
 * The command line: a command, its positional value, and `--flag value` / `--flag=value` options,
 * some repeatable. Unknown flags are usage errors, not silently ignored.
 *
 * @module
 */

/** A usage error: the message says what to type instead (exit code 2). */
export class UsageError extends Error {}

/** The flags each command takes: `true` for a boolean, `"repeat"` for a repeatable value. */
export type FlagSpec = Record<string, "value" | "repeat" | true>;

/** Parsed arguments. */
export interface Parsed {
  positionals: string[];
  flags: Record<string, string | string[] | boolean>;
}

/**
 * Parses `args` against `spec`.
 *
 * @param args the arguments after the command
 * @param spec the accepted flags
 * @returns the positionals and flags
 * @throws {UsageError} for an unknown flag or a missing value
 */
export function parseArgs(args: string[], spec: FlagSpec): Parsed {
  const positionals: string[] = [];
  const flags: Parsed["flags"] = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--") || arg === "--") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}`);
    if (kind === true) {
      flags[name] = true;
      continue;
    }
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (kind === "repeat") flags[name] = [...(flags[name] as string[] ?? []), value];
    else flags[name] = value;
  }
  return { positionals, flags };
}
