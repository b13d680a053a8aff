import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { writeInTransaction } from '@app/platform';
import { OrderCancellations } from '../../domain/repositories/order-cancellations.repository';
import { OrderCancellationOrmEntity } from '../database/order-cancellation.orm-entity';

@Injectable()
export class TypeormOrderCancellations extends OrderCancellations {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async record(orderId: string, cause: string, at: Date): Promise<void> {
    // sent with the transaction's next statement (one round trip)
    await writeInTransaction(
      this.txHost,
      `INSERT INTO order_cancellations (order_id, cause, cancelled_at) VALUES ($1, $2, $3)
       ON CONFLICT (order_id) DO NOTHING`,
      [orderId, cause.trim().slice(0, 200), at],
    );
  }

  isCancelled(orderId: string): Promise<boolean> {
    return this.txHost.tx.exists(OrderCancellationOrmEntity, { where: { orderId } });
  }
}
