import { Money } from '@app/kernel';
import { Product } from '../entities/product';

/** A place in the list order: (created_at with its microseconds, as ISO text; id). */
export interface ProductListPosition {
  createdAt: string;
  id: string;
}

/** Pages start at `offset`, or right after `after` (keyset; no total then). */
export interface ProductListCriteria {
  category?: string;
  /** Case-insensitive substring of the name. */
  nameContains?: string;
  minPrice?: Money;
  maxPrice?: Money;
  limit: number;
  offset: number;
  after?: ProductListPosition;
}

export interface ProductPage {
  items: Product[];
  /** Offset pages only. */
  total?: number;
  /** The total is PostgreSQL's size estimate (unfiltered lists of large catalogs). */
  totalIsEstimate?: boolean;
  /** The last item's position when more products follow, else null. */
  next: ProductListPosition | null;
}

/**
 * Port for the catalog. Every method joins the caller's unit of work when one is running.
 * Stock changes are single conditional statements so they stay correct under any concurrency.
 */
/** What a reservation answers about each product it reserved. */
export interface CatalogEntry {
  name: string;
  price: Money;
}

export abstract class ProductRepository {
  /** `forUpdate` locks the row until the unit of work ends (read-modify-write of a product). */
  abstract findById(id: string, options?: { forUpdate?: boolean }): Promise<Product | null>;
  abstract insert(product: Product): Promise<void>;
  abstract update(product: Product): Promise<void>;
  /** False when there was nothing to delete. */
  abstract delete(id: string): Promise<boolean>;
  abstract list(criteria: ProductListCriteria): Promise<ProductPage>;
  /**
   * Inside a unit of work: waits until no other seeding of the catalog runs (replicas or seed
   * jobs starting together), then counts the products, so that only one seeding fills it.
   */
  abstract countForSeeding(): Promise<number>;
  /** Of the given ids, the ones that exist, with their current name and price. */
  abstract catalogEntries(ids: string[]): Promise<Map<string, CatalogEntry>>;
  /**
   * Takes `quantity` units if at least that many are left and answers the product's name and
   * price; null (and no change) when it is short or unknown.
   */
  abstract takeStock(productId: string, quantity: number): Promise<CatalogEntry | null>;
  /** Gives units back; false if the product no longer exists. */
  abstract returnStock(productId: string, quantity: number): Promise<boolean>;
  /** Current stock of the given products (missing products are absent from the map). */
  abstract stockLevels(ids: string[]): Promise<Map<string, number>>;
}
