import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of `deliveries`. The schema itself (unique indexes, checks) lives in the migrations. */
@Entity({ name: 'deliveries' })
export class DeliveryOrmEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 200 })
  street: string;

  @Column({ type: 'varchar', length: 100 })
  city: string;

  @Column({ name: 'postal_code', type: 'varchar', length: 20 })
  postalCode: string;

  @Column({ type: 'char', length: 2 })
  country: string;

  @Column({ type: 'varchar', length: 100 })
  carrier: string;

  @Column({ name: 'tracking_number', type: 'varchar', length: 12 })
  trackingNumber: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'estimated_delivery', type: 'timestamptz' })
  estimatedDelivery: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
