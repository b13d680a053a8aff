import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Product, ProductDetails } from '../../domain/entities/product';
import { ProductRepository } from '../../domain/repositories/product.repository';

/** Fills an empty catalog; a catalog with any product is left alone. Returns how many were added. */
@Injectable()
export class SeedCatalogUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly products: ProductRepository,
  ) {}

  execute(catalog: ProductDetails[]): Promise<number> {
    return this.uow.run(async () => {
      if ((await this.products.countForSeeding()) > 0) return 0;
      const start = Date.now();
      // One millisecond apart, so the list order matches the catalog order.
      for (const [index, details] of catalog.entries()) {
        await this.products.insert(Product.create(details, new Date(start + index)));
      }
      return catalog.length;
    });
  }
}
