/**
 * The few calls this module makes on a caller's SQLite database, typed structurally so that
 * `bun:sqlite`'s `Database`, `node:sqlite`'s `DatabaseSync` (Deno, Node ≥ 22.5) and `better-sqlite3`
 * (Node 20) all fit without this module importing any of them.
 *
 * @module
 */

import { pythonIsoFormat } from "../session/expiry.ts";

/** A value bound to a `?` placeholder: every value this module binds is text. */
export type SqliteValue = string;

/**
 * A prepared statement: `get` steps once and answers the first row (`bun:sqlite` says `null` for
 * none, the other two `undefined`); `run` executes it and reports the rows it changed (`node:sqlite`
 * may report a `bigint`).
 */
export interface SqliteStatement {
  /**
   * Runs the statement and answers its first row.
   *
   * @param params the values for its `?` placeholders, in order
   * @returns the first row as an object keyed by column name, or `null` / `undefined` for none
   */
  get(...params: SqliteValue[]): unknown;
  /**
   * Runs the statement to completion.
   *
   * @param params the values for its `?` placeholders, in order
   * @returns at least how many rows an INSERT, UPDATE or DELETE changed
   */
  run(...params: SqliteValue[]): { changes: number | bigint };
}

/**
 * A synchronous SQLite connection: `bun:sqlite`'s `Database`, `node:sqlite`'s `DatabaseSync` or a
 * `better-sqlite3` `Database`.
 *
 * @example
 * ```ts ignore
 * import { Database } from "bun:sqlite"; // or node:sqlite's DatabaseSync, or better-sqlite3
 * import type { SqliteDatabase } from "@django-interop/session/sqlite";
 * const db: SqliteDatabase = new Database("db.sqlite3");
 * ```
 */
export interface SqliteDatabase {
  /**
   * Compiles one SQL statement.
   *
   * @param sql the statement, with `?` placeholders
   * @returns the prepared statement
   */
  prepare(sql: string): SqliteStatement;
}

/** `get`'s "no row" across drivers. */
export function firstRow(row: unknown): Record<string, unknown> | null {
  return typeof row === "object" && row !== null ? row as Record<string, unknown> : null;
}

/** `run`'s change count across drivers. */
export function changedRows(result: { changes: number | bigint }): number {
  return Number(result.changes);
}

/**
 * Writes a moment the way Django stores a `DateTimeField` in SQLite with `USE_TZ = True`: Python's
 * `str()` of the naive UTC datetime (`DatabaseOperations.adapt_datetimefield_value`), e.g.
 * `2026-11-25 20:17:49.143000`, and with no fraction at all when the microseconds are zero, as
 * Python prints it. Django compares `expire_date > now` as TEXT in SQLite, so writing the very same
 * shape is what keeps both sides' comparisons ordered alike.
 *
 * @param date the moment
 * @returns the naive UTC text Django would write for it
 */
export function sqliteDateTime(date: Date): string {
  return pythonIsoFormat(date).slice(0, -"+00:00".length).replace("T", " ");
}
