import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CancelledOrders } from '../../domain/repositories/cancelled-orders.repository';

@Injectable()
export class TypeormCancelledOrders extends CancelledOrders {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async record(orderId: string, at: Date): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO cancelled_orders (order_id, cancelled_at) VALUES ($1, $2)
       ON CONFLICT (order_id) DO NOTHING`,
      [orderId, at],
    );
  }

  async isCancelled(orderId: string): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query(
      'SELECT 1 FROM cancelled_orders WHERE order_id = $1',
      [orderId],
    );
    return rows.length > 0;
  }
}
