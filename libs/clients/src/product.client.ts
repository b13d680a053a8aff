import { Injectable } from '@nestjs/common';
import type { ProductResponseDto, ReserveStockDto, StockReservationDto } from '@app/contracts';
import { UpstreamClients } from '@app/platform';
import { UpstreamAnswer, answer } from './upstream-answer';

/**
 * The product service, as other services see it. Requires PlatformModule.forRoot({ upstreams:
 * ['product'] }) and a SERVICE_API_KEY the product service accepts (for reservations).
 */
@Injectable()
export class ProductClient {
  constructor(private readonly upstreams: UpstreamClients) {}

  private get http() {
    return this.upstreams.get('product');
  }

  /** null when the product does not exist. */
  async getProduct(id: string): Promise<ProductResponseDto | null> {
    const res = await this.http.request<ProductResponseDto>({
      method: 'GET',
      path: `/api/v1/products/${encodeURIComponent(id)}`,
    });
    if (res.status === 404 || res.status === 400) return null;
    const result = answer<ProductResponseDto>(res);
    if (!result.ok) throw new Error(`product service answered ${res.status} to a product lookup`);
    return result.body;
  }

  /** Several products at once (in parallel); missing ids are absent from the map. */
  async getProducts(ids: string[]): Promise<Map<string, ProductResponseDto>> {
    const unique = [...new Set(ids)];
    const found = await Promise.all(unique.map((id) => this.getProduct(id)));
    return new Map(found.filter((p): p is ProductResponseDto => p !== null).map((p) => [p.id, p]));
  }

  /**
   * Idempotent per order_id on the product side, so it is sent with the order id as the
   * idempotency key and retried safely. 404 unknown product, 409 short stock (problem lists items).
   */
  async reserveStock(body: ReserveStockDto): Promise<UpstreamAnswer<StockReservationDto>> {
    const res = await this.http.request<StockReservationDto>({
      method: 'POST',
      path: '/api/v1/stock/reservations',
      body,
      idempotencyKey: `reserve-${body.order_id}`,
    });
    return answer<StockReservationDto>(res);
  }

  /**
   * Releasing is idempotent on the product side too; an order without a reservation gets a
   * tombstone (200), which refuses a reservation of that order arriving later.
   */
  async releaseStock(orderId: string): Promise<UpstreamAnswer<StockReservationDto>> {
    const res = await this.http.request<StockReservationDto>({
      method: 'POST',
      path: `/api/v1/stock/reservations/${encodeURIComponent(orderId)}/release`,
      // an empty JSON body, explicitly: a body-less POST once went out labelled as a form (the
      // axios client of the time), the product service refused it (415) and no release went through
      body: {},
      idempotencyKey: `release-${orderId}`,
    });
    return answer<StockReservationDto>(res);
  }
}
