import { Injectable, Logger } from '@nestjs/common';
import { ProductClient } from '@app/clients';
import type { StockReservationDto } from '@app/contracts';
import { Money } from '@app/kernel';
import { UpstreamUnavailableError } from '@app/platform';
import {
  CatalogProduct,
  ProductCatalog,
  StockLine,
} from '../../application/ports/product-catalog.port';
import { PlacementAbandoned } from '../../application/errors/placement.errors';
import { InsufficientStock, ProductNotFound, ShortItem } from '../../domain/errors/order.errors';

/**
 * ProductCatalog over HTTP through the shared ProductClient (timeouts, retries where safe,
 * breaker; 5xx/timeouts become UpstreamUnavailableError). An answer this service cannot act on
 * (401 from a wrong SERVICE_API_KEY, 429, a malformed body) also counts as the catalog being
 * unavailable: the client gets a 503, the log says why.
 */
@Injectable()
export class HttpProductCatalog extends ProductCatalog {
  private readonly logger = new Logger(HttpProductCatalog.name);

  constructor(private readonly products: ProductClient) {
    super();
  }

  async findProducts(ids: string[]): Promise<Map<string, CatalogProduct>> {
    let found: Awaited<ReturnType<ProductClient['getProducts']>>;
    try {
      found = await this.products.getProducts(ids);
    } catch (error) {
      if (error instanceof UpstreamUnavailableError) throw error;
      throw this.unusable('product lookup', error);
    }
    const result = new Map<string, CatalogProduct>();
    for (const id of ids) {
      const product = found.get(id) ?? found.get(id.toLowerCase());
      if (!product) continue;
      let price: Money;
      try {
        price = Money.fromDecimal(product.price);
      } catch (error) {
        throw this.unusable('product lookup', error);
      }
      result.set(id, { id, name: product.name, price });
    }
    return result;
  }

  async reserveStock(orderId: string, lines: StockLine[]): Promise<Map<string, CatalogProduct>> {
    const answer = await this.products.reserveStock({
      order_id: orderId,
      items: lines.map((line) => ({ product_id: line.productId, quantity: line.quantity })),
    });
    if (answer.ok) return this.pricedLines(lines, answer.body?.items);
    if (answer.status === 404 && Array.isArray(answer.problem?.product_ids)) {
      throw new ProductNotFound(answer.problem.product_ids as string[]);
    }
    if (answer.status === 409 && Array.isArray(answer.problem?.items)) {
      throw new InsufficientStock(answer.problem.items as ShortItem[]);
    }
    // released before this reservation landed: the placement was given up meanwhile (recovery)
    if (answer.status === 409 && String(answer.problem?.type).endsWith('/reservation-released')) {
      throw new PlacementAbandoned();
    }
    throw this.unusable('stock reservation', `answered ${answer.status}`);
  }

  async releaseStock(orderId: string): Promise<void> {
    const answer = await this.products.releaseStock(orderId);
    if (answer.ok) return;
    // a product service from before tombstones: no reservation, so nothing to give back
    if (answer.status === 404) return;
    throw this.unusable('stock release', `answered ${answer.status}`);
  }

  /** The name and price the reservation gave each line; lines it did not price are left out. */
  private pricedLines(
    lines: StockLine[],
    items: StockReservationDto['items'] | undefined,
  ): Map<string, CatalogProduct> {
    const byId = new Map((Array.isArray(items) ? items : []).map((i) => [i?.product_id, i]));
    const priced = new Map<string, CatalogProduct>();
    for (const { productId } of lines) {
      const item = byId.get(productId) ?? byId.get(productId.toLowerCase());
      if (typeof item?.name !== 'string' || typeof item.price !== 'number') continue;
      let price: Money;
      try {
        price = Money.fromDecimal(item.price);
      } catch (error) {
        throw this.unusable('stock reservation', error);
      }
      priced.set(productId, { id: productId, name: item.name, price });
    }
    return priced;
  }

  private unusable(call: string, cause: unknown): UpstreamUnavailableError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.logger.error(
      { upstream: 'product', call, reason },
      'Unusable answer from the product service',
    );
    return new UpstreamUnavailableError('product');
  }
}
