import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of `products`. The schema itself (indexes, checks) lives in the migrations. */
@Entity({ name: 'products' })
export class ProductOrmEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text' })
  description: string;

  /** numeric arrives as a string from pg: exact, converted to cents by the mapper. */
  @Column({ type: 'numeric', precision: 12, scale: 2 })
  price: string;

  @Column({ name: 'stock_quantity', type: 'integer' })
  stockQuantity: number;

  @Column({ type: 'varchar', length: 100 })
  category: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
