import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { StockReservationItemOrmEntity } from './stock-reservation-item.orm-entity';

/** One row per order: the primary key is what makes reservations idempotent. */
@Entity({ name: 'stock_reservations' })
export class StockReservationOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'varchar', length: 16 })
  status: 'reserved' | 'released';

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt: Date | null;

  @OneToMany(() => StockReservationItemOrmEntity, (item) => item.reservation)
  items?: StockReservationItemOrmEntity[];
}
