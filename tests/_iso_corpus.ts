/**
 * Strings for the `datetime.fromisoformat` differential tests: every form CPython 3.11 parses, with
 * values just inside and outside each range, and single-character mutations of them. Seeded, so a
 * failure names a string that comes back on every run.
 */
import { spawnSync } from "node:child_process";

/** A small deterministic generator (mulberry32). */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATES = [
  "2026-11-25",
  "20261125",
  "2026-W48",
  "2026W48",
  "2026-W48-3",
  "2026W483",
  "2026-W53-1",
  "2020-W53-7",
  "2015-W53",
  "0001-01-01",
  "9999-12-31",
  "0000-01-01",
  "2026-02-29",
  "2024-02-29",
  "2026-13-01",
  "2026-00-10",
  "2026-04-31",
  "9999-W52-5",
  "9999-W52-6",
  "0001-W01-1",
  "0000-W52-7",
  "2026-1125",
  "202611-25",
  "2026-W4",
  "2026-W00",
  "2026-W48-8",
  "2026-W48-0",
];
const SEPARATORS = ["T", " ", "x", "7", "\u00e9", "\ud800", "\ud83d\ude00", "", "TT"];
const CLOCKS = [
  "20:17:49.143000",
  "20:17:49.143",
  "20:17:49.1234567",
  "20:17:49.123456789",
  "20:17:49,5",
  "20:17:49",
  "20:17",
  "20",
  "201749",
  "2017",
  "201749.5",
  "20:17:49:12",
  "20:17:49.",
  "24:00:00",
  "23:59:60",
  "23:60",
  "2:17",
  "20:1749",
  "2017:49",
  "20:17:49.12a",
  "20:17:49.1234567a",
  "0000",
  "201749123",
  "20:17:49 ",
  "",
];
const ZONES = [
  "",
  "+00:00",
  "Z",
  "z",
  "-05:00",
  "+0530",
  "+05",
  "+05:30:15",
  "+05:30:15.123456",
  "+053015.5",
  "+23:59",
  "+24:00",
  "-23:59:59.999999",
  "+5",
  "+",
  "-",
  "+05:3",
  "Z+01:00",
  "+05:00Z",
  "+00:00:00.000001",
  "+05:30x",
  "-00:00",
];

function pick<T>(next: () => number, items: T[]): T {
  return items[Math.floor(next() * items.length)];
}

/** `count` strings: whole combinations, then one-character mutations of them. */
export function isoCorpus(count: number, seed = 1): string[] {
  const next = random(seed);
  const out = new Set<string>();
  for (const d of DATES) out.add(d);
  for (const c of CLOCKS) for (const z of ZONES) out.add(`2026-11-25T${c}${z}`);
  const alphabet = "0123456789-:.,+TZW \u00e9\ud800";
  while (out.size < count) {
    let s = pick(next, DATES) + pick(next, SEPARATORS) + pick(next, CLOCKS) + pick(next, ZONES);
    if (next() < 0.5 && s.length > 0) {
      const at = Math.floor(next() * s.length);
      const edit = Math.floor(next() * 3);
      const c = pick(next, [...alphabet]);
      s = edit === 0
        ? s.slice(0, at) + c + s.slice(at + 1)
        : edit === 1
        ? s.slice(0, at) + s.slice(at + 1)
        : s.slice(0, at) + c + s.slice(at);
    }
    out.add(s);
  }
  return [...out];
}

const PYTHON = `
import json, sys
from datetime import datetime, timedelta, timezone
epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
out = []
for s in json.load(sys.stdin):
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        out.append(None)
        continue
    naive = dt.tzinfo is None
    us = (dt.replace(tzinfo=timezone.utc) if naive else dt) - epoch
    out.append([(us // timedelta(microseconds=1)) // 1000, naive])
print(json.dumps(out))
`;

/** What `/usr/bin/python3` (the Python Django runs on here) makes of each string. */
export function pythonFromIsoFormat(strings: string[]): ([number, boolean] | null)[] {
  const result = spawnSync("/usr/bin/python3", ["-c", PYTHON], {
    input: JSON.stringify(strings),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}
