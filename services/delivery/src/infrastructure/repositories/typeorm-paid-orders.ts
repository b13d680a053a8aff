import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { writeInTransaction } from '@app/platform';
import { PaidOrders } from '../../domain/repositories/paid-orders.repository';
import { PaidOrderOrmEntity } from '../database/paid-order.orm-entity';

@Injectable()
export class TypeormPaidOrders extends PaidOrders {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async record(orderId: string, userId: string, at: Date): Promise<void> {
    // sent with the transaction's next statement (one round trip)
    await writeInTransaction(
      this.txHost,
      `INSERT INTO paid_orders (order_id, user_id, paid_at) VALUES ($1, $2, $3)
       ON CONFLICT (order_id) DO NOTHING`,
      [orderId, userId, at],
    );
  }

  isPaid(orderId: string): Promise<boolean> {
    return this.txHost.tx.exists(PaidOrderOrmEntity, { where: { orderId } });
  }
}
