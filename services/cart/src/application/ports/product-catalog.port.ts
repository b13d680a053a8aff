import { ProductSnapshot } from '../../domain/entities/cart';

/** Outbound port: the product catalog, asked for a product's name, price and stock. */
export abstract class ProductCatalog {
  /**
   * null when the catalog does not know the product. When the catalog cannot answer, throws
   * the platform's upstream-unavailable error (503); nothing is changed then.
   */
  abstract findProduct(productId: string): Promise<ProductSnapshot | null>;
}
