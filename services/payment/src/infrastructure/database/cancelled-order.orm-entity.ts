import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of `cancelled_orders`: orders the order service said are cancelled. */
@Entity({ name: 'cancelled_orders' })
export class CancelledOrderOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'cancelled_at', type: 'timestamptz' })
  cancelledAt: Date;
}
