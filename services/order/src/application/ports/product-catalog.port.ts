import { Money } from '@app/kernel';

export interface CatalogProduct {
  id: string;
  name: string;
  price: Money;
}

export interface StockLine {
  productId: string;
  quantity: number;
}

/**
 * The product service as the order service needs it. An unreachable catalog throws the
 * platform's UpstreamUnavailableError (503); business refusals are domain errors.
 */
export abstract class ProductCatalog {
  /** Current name and price of each product found; unknown ids are absent from the map. */
  abstract findProducts(ids: string[]): Promise<Map<string, CatalogProduct>>;
  /**
   * All lines or none; idempotent per order id (a repeat takes no more stock).
   * Throws ProductNotFound (every unknown id), InsufficientStock (every short line), or
   * PlacementAbandoned when the order id was released first (it never takes stock then).
   * Answers the reserved products' name and price as the catalog gave them with the
   * reservation; a product it did not price (a product service from before that) is absent.
   */
  abstract reserveStock(orderId: string, lines: StockLine[]): Promise<Map<string, CatalogProduct>>;
  /**
   * Gives the order's stock back, once (idempotent). For an order without a reservation it
   * leaves a tombstone, so that a reservation of that order still on its way takes nothing.
   */
  abstract releaseStock(orderId: string): Promise<void>;
}
