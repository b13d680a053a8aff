import type { DataSource } from 'typeorm';

/**
 * A PostgreSQL session advisory lock named `name`, held on one pooled connection while `work`
 * runs: the same name in the same database is one lock across every replica of a service. A
 * replica that dies releases it with its connection.
 */
async function holding<T>(
  dataSource: DataSource,
  name: string,
  acquire: 'pg_advisory_lock' | 'pg_try_advisory_lock',
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // The key is hashtext(name) (an int4 widened to the bigint key, as ever), computed by the
    // statements that take and release the lock: no round trip of its own.
    // Waiting is no slow statement: the holder's work (all the migrations) may well take
    // longer than DB_STATEMENT_TIMEOUT_MS; RESET gives the connection its own timeout back
    const waits = acquire === 'pg_advisory_lock';
    if (waits) await runner.query('SET statement_timeout = 0');
    const locking = `SELECT ${acquire}(hashtext($1)) AS locked`;
    const [row] = (await runner.query(locking, [name])) as Array<{ locked: boolean | string }>;
    if (waits) await runner.query('RESET statement_timeout');
    if (acquire === 'pg_try_advisory_lock' && row.locked === false) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    await runner.release();
  }
}

/** Waits for the lock, then runs `work` (start-up work that must happen once: migrations). */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const result = await holding(dataSource, name, 'pg_advisory_lock', work);
  if (!result.ran) throw new Error(`advisory lock ${name} was not taken`);
  return result.value;
}

/**
 * Runs `work` only when no other process holds the lock (a periodic pass another replica is
 * running right now is skipped here, not repeated); false when it was skipped.
 */
export async function ifAdvisoryLockFree(
  dataSource: DataSource,
  name: string,
  work: () => Promise<unknown>,
): Promise<boolean> {
  return (await holding(dataSource, name, 'pg_try_advisory_lock', work)).ran;
}
