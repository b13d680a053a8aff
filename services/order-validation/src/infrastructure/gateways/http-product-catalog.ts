import { Injectable } from '@nestjs/common';
import { ProductClient } from '@app/clients';
import { Money } from '@app/kernel';
import { UpstreamUnavailableError } from '@app/platform';
import { ProductCatalog } from '../../application/ports/product-catalog.port';

/** ProductCatalog over the product service's public `GET /products/{id}`, through ProductClient. */
@Injectable()
export class HttpProductCatalog extends ProductCatalog {
  constructor(private readonly products: ProductClient) {
    super();
  }

  async currentPrices(productIds: string[]): Promise<Map<string, Money>> {
    try {
      const found = await this.products.getProducts(productIds);
      return new Map(
        [...found.values()].map((product) => [
          product.id.toLowerCase(),
          Money.fromDecimal(product.price),
        ]),
      );
    } catch (error) {
      if (error instanceof UpstreamUnavailableError) throw error;
      // An answer the client does not expect (401, 429, a body without a price): the catalog
      // failing us, not a missing product. 503, never valid:false.
      throw new UpstreamUnavailableError(
        'product',
        'The product service gave an unexpected answer. Try again shortly.',
      );
    }
  }
}
