import { Injectable } from '@nestjs/common';
import {
  ProductListCriteria,
  ProductPage,
  ProductRepository,
} from '../../domain/repositories/product.repository';

@Injectable()
export class ListProductsUseCase {
  constructor(private readonly products: ProductRepository) {}

  execute(criteria: ProductListCriteria): Promise<ProductPage> {
    return this.products.list(criteria);
  }
}
