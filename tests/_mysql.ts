/**
 * A MariaDB database of its own for one test file (Django's table name is fixed, so files and
 * runtimes are kept apart by database), and Django's settings for it.
 */
import mysql from "mysql2/promise";

const server = { host: "127.0.0.1", port: 3306, user: "root" };

/** A fresh, empty database on this machine's MariaDB; `drop()` removes it and closes the pool. */
export async function mysqlDatabase(
  label: string,
): Promise<{ name: string; pool: mysql.Pool; drop: () => Promise<void> }> {
  const name = `test_sess_${label}_${crypto.randomUUID().slice(0, 8)}`;
  const admin = await mysql.createConnection(server);
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const pool = mysql.createPool({ ...server, database: name, connectionLimit: 4 });
  return {
    name,
    pool,
    async drop() {
      await pool.query(`DROP DATABASE \`${name}\``);
      await pool.end();
    },
  };
}

/** Django `DATABASES["default"]` for that database. */
export function djangoMysql(name: string): Record<string, unknown> {
  return {
    ENGINE: "django.db.backends.mysql",
    NAME: name,
    USER: server.user,
    HOST: server.host,
    PORT: String(server.port),
  };
}
