import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Product, ProductDetails } from '../../domain/entities/product';
import { ProductNotFound } from '../../domain/errors/product.errors';
import { ProductRepository } from '../../domain/repositories/product.repository';

@Injectable()
export class UpdateProductUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly products: ProductRepository,
  ) {}

  /** The row is locked while it is rewritten, so a concurrent reservation is not overwritten. */
  execute(id: string, changes: Partial<ProductDetails>): Promise<Product> {
    return this.uow.run(async () => {
      const product = await this.products.findById(id, { forUpdate: true });
      if (!product) throw new ProductNotFound([id]);
      product.update(changes);
      await this.products.update(product);
      return product;
    });
  }
}
