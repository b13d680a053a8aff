import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of `order_cancellations`: orders the order service said are cancelled. */
@Entity({ name: 'order_cancellations' })
export class OrderCancellationOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'varchar', length: 200 })
  cause: string;

  @Column({ name: 'cancelled_at', type: 'timestamptz' })
  cancelledAt: Date;
}
