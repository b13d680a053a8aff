import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'payments' })
@Index('payments_user_idx', ['userId', 'createdAt', 'id'])
@Index('payments_order_idx', ['orderId', 'createdAt', 'id'])
export class PaymentOrmEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** numeric(12,2): pg returns it as a string, converted to integer cents by the mapper */
  @Column({ type: 'numeric', precision: 12, scale: 2 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'payment_method', type: 'varchar', length: 16 })
  paymentMethod: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'varchar', length: 16 })
  gateway: string;

  @Column({ name: 'gateway_reference', type: 'varchar', length: 255, nullable: true })
  gatewayReference: string | null;

  /** the only card data kept: never the number, never the CVC */
  @Column({ name: 'card_last4', type: 'char', length: 4, nullable: true })
  cardLast4: string | null;

  @Column({ name: 'card_brand', type: 'varchar', length: 16, nullable: true })
  cardBrand: string | null;

  @Column({ name: 'failure_reason', type: 'varchar', length: 200, nullable: true })
  failureReason: string | null;

  @Column({ name: 'approval_url', type: 'varchar', length: 2048, nullable: true })
  approvalUrl: string | null;

  @Column({ name: 'refund_reference', type: 'varchar', length: 255, nullable: true })
  refundReference: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
