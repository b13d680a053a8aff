import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { PreparingClient } from './preparing-client';

/**
 * A write whose answer the caller does not read (no RETURNING, no affected-row count) and
 * whose failure is no business outcome (a constraint the code counts on must run at once):
 * inside a unit of work it is held back and sent with the transaction's next statement, its
 * COMMIT at the latest, in one round trip (preparing-client.ts). Order is kept: it runs before
 * anything sent after it. A failure surfaces from that next statement and rolls the
 * transaction back as it would have. Outside a transaction, or before its text is prepared on
 * the connection, it runs at once.
 */
export async function writeInTransaction(
  txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  sql: string,
  params: unknown[],
): Promise<void> {
  const manager = txHost.tx;
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) {
    const client = (runner as unknown as { databaseConnection?: unknown }).databaseConnection;
    if (client instanceof PreparingClient && client.queueWrite(sql, params)) return;
  }
  await manager.query(sql, params);
}
