import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The shipping address of a pending checkout, as stored (jsonb, wire field names). */
export interface StoredAddress {
  street: string;
  city: string;
  postal_code: string;
  country: string;
}

/** Columns of `carts`. The schema itself (indexes, checks) lives in the migrations. */
@Entity({ name: 'carts' })
export class CartOrmEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  status: 'active' | 'checked_out';

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ name: 'checkout_attempts', type: 'integer' })
  checkoutAttempts: number;

  @Column({ name: 'pending_checkout_attempt', type: 'integer', nullable: true })
  pendingCheckoutAttempt: number | null;

  @Column({ name: 'pending_shipping_address', type: 'jsonb', nullable: true })
  pendingShippingAddress: StoredAddress | null;

  @Column({ name: 'pending_checkout_started_at', type: 'timestamptz', nullable: true })
  pendingCheckoutStartedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
