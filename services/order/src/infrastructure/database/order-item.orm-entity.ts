import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrderOrmEntity } from './order.orm-entity';

/** No foreign key to products: they live in another service's database. */
@Entity({ name: 'order_items' })
export class OrderItemOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @PrimaryColumn({ name: 'line_no', type: 'smallint' })
  lineNo: number;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'unit_price', type: 'numeric', precision: 12, scale: 2 })
  unitPrice: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'numeric', precision: 12, scale: 2 })
  subtotal: string;

  @ManyToOne(() => OrderOrmEntity, (order) => order.items)
  @JoinColumn({ name: 'order_id' })
  order?: OrderOrmEntity;
}
