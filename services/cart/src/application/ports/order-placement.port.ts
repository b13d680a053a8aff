import { Money } from '@app/kernel';
import { ShippingAddress } from '../../domain/entities/cart';

export interface OrderRequest {
  userId: string;
  lines: Array<{ productId: string; quantity: number }>;
  shippingAddress: ShippingAddress | null;
  /** the caller's bearer token: the order is placed on their behalf */
  userToken: string;
  /** same key and body: the order service replays the order instead of placing another */
  idempotencyKey: string;
}

export interface PlacedOrderLine {
  productId: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  subtotal: Money;
}

/** An order as the order service answered it (priced from the catalog). */
export interface PlacedOrder {
  id: string;
  userId: string;
  status: string;
  lines: PlacedOrderLine[];
  total: Money;
  shippingAddress: ShippingAddress | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Outbound port: the order service. `placeOrder` throws OrderRefused when the order service
 * refused the request outright (nothing exists under the key), OrderNotConfirmed when it
 * answered without settling whether an order exists, and the platform's upstream-unavailable
 * error (503) when it could not be reached or failed: the order may or may not exist then.
 */
export abstract class OrderPlacement {
  abstract placeOrder(request: OrderRequest): Promise<PlacedOrder>;
  /** null when the order service does not know the order (for this user). */
  abstract findOrder(orderId: string, userToken: string): Promise<PlacedOrder | null>;
}
