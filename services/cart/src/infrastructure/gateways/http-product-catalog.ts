import { Injectable } from '@nestjs/common';
import { ProductClient } from '@app/clients';
import { Money } from '@app/kernel';
import { UpstreamUnavailableError } from '@app/platform';
import { ProductCatalog } from '../../application/ports/product-catalog.port';
import { ProductSnapshot } from '../../domain/entities/cart';

/** ProductCatalog over the product service's public API, through the typed ProductClient. */
@Injectable()
export class HttpProductCatalog extends ProductCatalog {
  constructor(private readonly products: ProductClient) {
    super();
  }

  async findProduct(productId: string): Promise<ProductSnapshot | null> {
    let product;
    try {
      product = await this.products.getProduct(productId);
    } catch (error) {
      if (error instanceof UpstreamUnavailableError) throw error;
      // An answer the client does not expect (401, 429, ...) is the catalog failing us, not
      // the caller's fault: 503, never a 500.
      throw new UpstreamUnavailableError(
        'product',
        'The product service gave an unexpected answer. Try again shortly.',
      );
    }
    if (!product) return null;
    return {
      productId: product.id,
      name: product.name,
      unitPrice: Money.fromDecimal(product.price),
      stockQuantity: product.stock_quantity,
    };
  }
}
