import { Injectable } from '@nestjs/common';
import { Product } from '../../domain/entities/product';
import { ProductNotFound } from '../../domain/errors/product.errors';
import { ProductRepository } from '../../domain/repositories/product.repository';

@Injectable()
export class GetProductUseCase {
  constructor(private readonly products: ProductRepository) {}

  async execute(id: string): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new ProductNotFound([id]);
    return product;
  }
}
