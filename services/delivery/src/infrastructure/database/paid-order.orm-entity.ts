import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of `paid_orders`: orders the order service said are paid (`order.paid`). */
@Entity({ name: 'paid_orders' })
export class PaidOrderOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'paid_at', type: 'timestamptz' })
  paidAt: Date;
}
