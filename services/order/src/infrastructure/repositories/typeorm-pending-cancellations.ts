import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  PendingCancellation,
  PendingCancellations,
} from '../../domain/repositories/pending-cancellations.repository';
import { PendingCancellationOrmEntity } from '../database/pending-cancellation.orm-entity';

interface Row {
  order_id: string;
  cause: string;
  requested_at: Date;
  attempts: number;
}

/** pg answers an UPDATE ... RETURNING through TypeORM as [rows, count]. */
function rowsOf(result: unknown): Row[] {
  if (Array.isArray(result) && Array.isArray(result[0])) return result[0] as Row[];
  return Array.isArray(result) ? (result as Row[]) : [];
}

@Injectable()
export class TypeormPendingCancellations extends PendingCancellations {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async open(pending: PendingCancellation, dueAt: Date): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO pending_cancellations (order_id, cause, requested_at, next_attempt_at, attempts)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING`,
      [pending.orderId, pending.cause, pending.requestedAt, dueAt, pending.attempts],
    );
  }

  async find(orderId: string): Promise<PendingCancellation | null> {
    const row = await this.txHost.tx.findOne(PendingCancellationOrmEntity, { where: { orderId } });
    return row
      ? {
          orderId: row.orderId,
          cause: row.cause,
          requestedAt: row.requestedAt,
          attempts: row.attempts,
        }
      : null;
  }

  async remove(orderId: string): Promise<boolean> {
    const result = await this.txHost.tx.delete(PendingCancellationOrmEntity, { orderId });
    return (result.affected ?? 0) > 0;
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<PendingCancellation[]> {
    // SKIP LOCKED: rows another replica is claiming right now are left to it, not waited for.
    const rows = rowsOf(
      await this.txHost.tx.query(
        `UPDATE pending_cancellations p
            SET next_attempt_at = $2, attempts = p.attempts + 1
          WHERE p.order_id IN (
                SELECT order_id FROM pending_cancellations
                 WHERE next_attempt_at <= $1
                 ORDER BY next_attempt_at
                 LIMIT $3
                   FOR UPDATE SKIP LOCKED)
        RETURNING p.order_id, p.cause, p.requested_at, p.attempts`,
        [now, leaseUntil, limit],
      ),
    );
    return rows.map((row) => ({
      orderId: row.order_id,
      cause: row.cause,
      requestedAt: new Date(row.requested_at),
      attempts: row.attempts,
    }));
  }
}
