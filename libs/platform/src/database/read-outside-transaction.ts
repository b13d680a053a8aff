import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

/** The part of pg's Pool a read uses. */
interface PgPool {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A read: inside a unit of work on its connection, as any statement; outside one straight on
 * pg's pool under TypeORM (PostgresDriver's `master`, as MetricsService reads it): the same
 * pool, settings, prepared statements and SQL, without TypeORM's query runner around each
 * statement (about 35 µs of CPU per read: docs/performance.md).
 */
export function readRows<Row>(
  txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  if (!txHost.isTransactionActive()) {
    const pool = (txHost.tx.connection.driver as unknown as { master?: PgPool }).master;
    if (pool) return pool.query(sql, params).then((result) => result.rows as Row[]);
  }
  return txHost.tx.query(sql, params) as Promise<Row[]>;
}
