import { Injectable } from '@nestjs/common';
import { ProductNotFound } from '../../domain/errors/product.errors';
import { ProductRepository } from '../../domain/repositories/product.repository';

@Injectable()
export class DeleteProductUseCase {
  constructor(private readonly products: ProductRepository) {}

  async execute(id: string): Promise<void> {
    if (!(await this.products.delete(id))) throw new ProductNotFound([id]);
  }
}
