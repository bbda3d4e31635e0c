// The example imports the library's sources from ../../src, so Turbopack's root is the repository —
// or, where node_modules is a symlink (a git worktree), the folder holding both.
import { realpathSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { NextConfig } from "next";

const repo = resolve(import.meta.dirname, "../..");
let root = repo;
const modules = realpathSync(resolve(repo, "node_modules"));
while (relative(root, modules).startsWith("..")) root = dirname(root);

const config: NextConfig = {
  // Build output beside the app, gitignored (examples/next/.next).
  turbopack: { root },
  outputFileTracingRoot: root,
};
export default config;
