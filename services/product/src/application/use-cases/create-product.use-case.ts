import { Injectable } from '@nestjs/common';
import { Product, ProductDetails } from '../../domain/entities/product';
import { ProductRepository } from '../../domain/repositories/product.repository';

@Injectable()
export class CreateProductUseCase {
  constructor(private readonly products: ProductRepository) {}

  async execute(details: ProductDetails): Promise<Product> {
    const product = Product.create(details);
    await this.products.insert(product);
    return product;
  }
}
