/**
 * The three PostgreSQL clients the PostgreSQL backend takes, reduced to one call: run a parameterised
 * statement and get its rows as arrays of text. Each client is used so that the caller's own
 * configuration cannot change what we read:
 *
 * - postgres.js and Bun's `SQL` share `unsafe(text, params)`, and `prepare: true` is only a hint
 *   that a `prepare: false` client (PgBouncer) still overrides. A postgres.js client with no value
 *   transform and no parser of its own for `text` or `varchar` reads through `.values()`,
 *   which hands our text columns over as postgres.js decodes them: 2-3 µs a read cheaper on Deno
 *   than `.raw()`, whose every cell is a `Buffer` we decode. Any other client reads through
 *   `.raw()`, whose undecoded cells no value transform (`postgres.camel`'s either) or parser
 *   reaches. postgres.js applies a row transform even to `.raw()` rows: a client with one is
 *   refused (`ImproperlyConfigured`).
 * - PGlite's `query(text, params)` with array rows and a pass-through text parser, so custom
 *   `parsers` do not apply either.
 *
 * @module
 */

import { ImproperlyConfigured } from "../errors.ts";

/**
 * postgres.js's `Sql` or Bun's `SQL` (`Bun.sql`, `new SQL(url)`): anything with `unsafe(...).raw()`.
 *
 * @example
 * ```ts ignore
 * import postgres from "postgres";
 * const client: UnsafeSqlClient = postgres("postgres://postgres@127.0.0.1/test");
 * ```
 */
export interface UnsafeSqlClient {
  /** Runs one statement with `$n` parameters. */
  unsafe(
    query: string,
    parameters?: unknown[],
    options?: { prepare?: boolean },
  ): {
    raw(): PromiseLike<ArrayLike<ArrayLike<unknown>>>;
    values(): PromiseLike<ArrayLike<ArrayLike<unknown>>>;
  };
}

/**
 * PGlite (`@electric-sql/pglite`): anything with `query(text, params, { rowMode: "array" })`.
 *
 * @example
 * ```ts ignore
 * import { PGlite } from "@electric-sql/pglite";
 * const client: QuerySqlClient = new PGlite();
 * ```
 */
export interface QuerySqlClient {
  /** Runs one statement with `$n` parameters. */
  query(
    query: string,
    parameters?: unknown[],
    options?: { rowMode?: "array"; parsers?: Record<number, (text: string) => unknown> },
  ): Promise<{ rows: unknown[] }>;
}

/** Any PostgreSQL client the backend accepts. */
export type PostgresClient = UnsafeSqlClient | QuerySqlClient;

/** Runs `text` with `parameters`; resolves with each row's cells as strings (null for SQL NULL). */
export type RowsQuery = (text: string, parameters: unknown[]) => Promise<(string | null)[][]>;

/** PostgreSQL's type oid of `text`, the only type our statements return. */
const TEXT_OID = 25;
const decoder = new TextDecoder();

function cell(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Uint8Array ? decoder.decode(value) : String(value);
}

/** Each row's cells as strings: plain loops, which cost a third of `Array.from` with a mapper. */
function cells(rows: ArrayLike<ArrayLike<unknown>>): (string | null)[][] {
  const out: (string | null)[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const values: (string | null)[] = new Array(row.length);
    for (let j = 0; j < row.length; j++) values[j] = cell(row[j]);
    out[i] = values;
  }
  return out;
}

/**
 * Adapts a client to {@linkcode RowsQuery}.
 *
 * @param client postgres.js, Bun's SQL or PGlite
 * @returns the query function
 * @throws {ImproperlyConfigured} for a postgres.js client with a row transform
 */
export function rowsQuery(client: PostgresClient): RowsQuery {
  if ("unsafe" in client && typeof client.unsafe === "function") {
    if (readsTextAsIs(client)) {
      return async (text, parameters) =>
        await client.unsafe(text, parameters, { prepare: true }).values() as (string | null)[][];
    }
    // An async function, not Promise.resolve(query).then(...): on Node that kept postgres.js's
    // queries alive longer and doubled the young-generation GC of a read (1.5 → 2.6 ms a scavenge).
    return async (text, parameters) =>
      cells(await client.unsafe(text, parameters, { prepare: true }).raw());
  }
  const pglite = client as QuerySqlClient;
  return async (text, parameters) => {
    const { rows } = await pglite.query(text, parameters, {
      rowMode: "array",
      parsers: { [TEXT_OID]: (value) => value },
    });
    return cells(rows as unknown[][]);
  };
}

/** What postgres.js (`sql.options`) says about how it decodes a cell; Bun's `SQL` has no `transform`. */
interface DecodingOptions {
  transform?: { value?: { from?: unknown }; row?: { from?: unknown } };
  parsers?: Record<number, unknown>;
}

const TEXT_OIDS = [TEXT_OID, 1043]; // text, varchar

/**
 * Whether `client` is postgres.js handing text cells over as they are: no value transform, no
 * parser of its own for text.
 *
 * @throws {ImproperlyConfigured} for a postgres.js row transform, which reaches `.raw()` rows too:
 *   the backend would read what it made of them (a missing row, or a session lost on the next save)
 */
function readsTextAsIs(client: UnsafeSqlClient): boolean {
  const { transform, parsers } = (client as { options?: DecodingOptions }).options ?? {};
  if (transform === undefined) return false;
  if (transform.row?.from) {
    throw new ImproperlyConfigured(
      "This postgres.js client has a row transform (transform.row), which postgres.js applies to " +
        "every row the session backend reads: give the backend a client without one",
    );
  }
  return !transform.value?.from && TEXT_OIDS.every((oid) => !parsers?.[oid]);
}
