import { Money } from '@app/kernel';
import { Product } from '../../domain/entities/product';
import { ProductOrmEntity } from '../database/product.orm-entity';

export const ProductMapper = {
  toDomain(row: ProductOrmEntity): Product {
    return Product.restore({
      id: row.id,
      name: row.name,
      description: row.description,
      price: Money.fromDecimal(row.price),
      stockQuantity: row.stockQuantity,
      category: row.category,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  },

  toOrm(product: Product): ProductOrmEntity {
    const row = new ProductOrmEntity();
    row.id = product.id;
    row.name = product.name;
    row.description = product.description;
    row.price = product.price.toDecimalString();
    row.stockQuantity = product.stockQuantity;
    row.category = product.category;
    row.createdAt = product.createdAt;
    row.updatedAt = product.updatedAt;
    return row;
  },
};
