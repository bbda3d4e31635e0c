// examples/_backend.ts opens SQLite with better-sqlite3 on Node; the repository has no @types for it.
declare module "better-sqlite3";
