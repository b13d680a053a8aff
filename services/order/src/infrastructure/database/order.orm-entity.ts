import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { OrderItemOrmEntity } from './order-item.orm-entity';

export interface AddressColumn {
  street: string;
  city: string;
  postal_code: string;
  country: string;
}

/** Columns of `orders`. The schema itself (indexes, checks) lives in the migrations. */
@Entity({ name: 'orders' })
export class OrderOrmEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** projection of order_events, written with each event */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  /** numeric arrives as a string from pg: exact, converted to cents by the mapper. */
  @Column({ type: 'numeric', precision: 12, scale: 2 })
  total: string;

  @Column({ name: 'shipping_address', type: 'jsonb', nullable: true })
  shippingAddress: AddressColumn | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @OneToMany(() => OrderItemOrmEntity, (item) => item.order)
  items?: OrderItemOrmEntity[];
}
