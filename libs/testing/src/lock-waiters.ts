/** Anything that runs SQL and answers rows (a TypeORM DataSource, an EntityManager). */
interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** Backends of the current database waiting for a lock: a unit of work queued behind another. */
export async function lockWaiters(db: Queryable): Promise<number> {
  const [{ n }] = (await db.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  )) as Array<{ n: number }>;
  return n;
}
