import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of `cart_items`: one row per product in a cart. */
@Entity({ name: 'cart_items' })
export class CartItemOrmEntity {
  @PrimaryColumn({ name: 'cart_id', type: 'uuid' })
  cartId: string;

  @PrimaryColumn({ name: 'product_id', type: 'uuid' })
  productId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** numeric arrives as a string from pg: exact, converted to cents by the mapper. */
  @Column({ name: 'unit_price', type: 'numeric', precision: 12, scale: 2 })
  unitPrice: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt: Date;
}
