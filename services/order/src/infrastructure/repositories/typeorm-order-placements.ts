import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { Placement, OrderPlacements } from '../../application/ports/order-placements.port';

interface PlacementRow {
  order_id: string;
  user_id: string;
  items: Array<{ productId: string; quantity: number }>;
}

/** TypeORM answers an UPDATE/DELETE … RETURNING with [rows, affected count]. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as T[];
  }
  return Array.isArray(result) ? (result as T[]) : [];
}

/**
 * `order_placements` in order_db. Every method but `complete` runs on the DataSource, outside
 * any transaction of the caller, so it commits at once; `complete` joins the caller's unit of
 * work. Times come from the database's clock, like every other lease of the platform.
 */
@Injectable()
export class TypeormOrderPlacements extends OrderPlacements {
  constructor(
    private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {
    super();
  }

  async begin(placement: Placement, recoverAfterSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO order_placements (order_id, user_id, items, state, started_at, next_attempt_at)
       VALUES ($1, $2, $3::jsonb, 'placing', now(), now() + make_interval(secs => $4))`,
      [placement.orderId, placement.userId, JSON.stringify(placement.items), recoverAfterSeconds],
    );
  }

  async complete(orderId: string): Promise<boolean> {
    const deleted = rowsOf(
      await this.txHost.tx.query(
        `DELETE FROM order_placements WHERE order_id = $1 AND state = 'placing' RETURNING order_id`,
        [orderId],
      ),
    );
    return deleted.length === 1;
  }

  async abandon(orderId: string, leaseSeconds: number): Promise<boolean> {
    const taken = rowsOf(
      await this.dataSource.query(
        `UPDATE order_placements
            SET state = 'abandoning', next_attempt_at = now() + make_interval(secs => $2)
          WHERE order_id = $1
          RETURNING order_id`,
        [orderId, leaseSeconds],
      ),
    );
    return taken.length === 1;
  }

  async claimDue(limit: number, leaseSeconds: number): Promise<Placement[]> {
    // SKIP LOCKED: a row another claimer is taking, or that an order's transaction is deleting
    // right now, is left alone (that transaction decides it)
    const rows = rowsOf<PlacementRow>(
      await this.dataSource.query(
        `UPDATE order_placements
            SET state = 'abandoning', next_attempt_at = now() + make_interval(secs => $2)
          WHERE order_id IN (
            SELECT order_id FROM order_placements
             WHERE next_attempt_at <= now()
             ORDER BY next_attempt_at
             LIMIT $1
             FOR UPDATE SKIP LOCKED)
          RETURNING order_id, user_id, items`,
        [limit, leaseSeconds],
      ),
    );
    return rows.map((row) => ({ orderId: row.order_id, userId: row.user_id, items: row.items }));
  }

  async retryNextPass(orderId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE order_placements SET next_attempt_at = now()
        WHERE order_id = $1 AND state = 'abandoning'`,
      [orderId],
    );
  }

  async remove(orderId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM order_placements WHERE order_id = $1`, [orderId]);
  }
}
