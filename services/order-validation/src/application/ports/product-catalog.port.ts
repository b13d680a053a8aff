import { Money } from '@app/kernel';

/** Outbound port: the product catalog, asked for current prices. */
export abstract class ProductCatalog {
  /**
   * The current price of each product that exists, keyed by lower-case id; products the catalog
   * does not know are absent. Throws upstream-unavailable (503) when the catalog cannot answer.
   */
  abstract currentPrices(productIds: string[]): Promise<Map<string, Money>>;
}
