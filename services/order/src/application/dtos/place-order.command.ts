import { ShippingAddress } from '../../domain/entities/order';
import { Order } from '../../domain/entities/order';
import { IdempotencyScope } from '@app/kernel';
import { Requester } from './requester';

export interface PlaceOrderCommand {
  requester: Requester;
  userId: string;
  /** prices the client may have sent are not even passed in: the catalog prices the order */
  items: Array<{ productId: string; quantity: number }>;
  shippingAddress: ShippingAddress | null;
  /** present when the request carried an Idempotency-Key */
  idempotency?: Omit<IdempotencyScope, 'callerId'>;
  /** the wire body of a 201, stored with the key so a replay answers exactly the same */
  present(order: Order): unknown;
}

export type PlaceOrderResult =
  { kind: 'created'; order: Order } | { kind: 'replayed'; status: number; body: unknown };
