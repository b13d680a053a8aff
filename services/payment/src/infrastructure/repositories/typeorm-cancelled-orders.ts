import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CancelledOrders } from '../../domain/repositories/cancelled-orders.repository';
import { CancelledOrderOrmEntity } from '../database/cancelled-order.orm-entity';

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

  isCancelled(orderId: string): Promise<boolean> {
    return this.txHost.tx.exists(CancelledOrderOrmEntity, { where: { orderId } });
  }
}
