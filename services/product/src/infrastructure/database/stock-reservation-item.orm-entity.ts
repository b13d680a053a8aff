import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { StockReservationOrmEntity } from './stock-reservation.orm-entity';

/** No foreign key to products: a reservation outlives the deletion of one of its products. */
@Entity({ name: 'stock_reservation_items' })
export class StockReservationItemOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @PrimaryColumn({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ type: 'integer' })
  quantity: number;

  @ManyToOne(() => StockReservationOrmEntity, (reservation) => reservation.items, {
    onDelete: 'CASCADE',
  })
  @JoinColumn({ name: 'order_id' })
  reservation?: StockReservationOrmEntity;
}
