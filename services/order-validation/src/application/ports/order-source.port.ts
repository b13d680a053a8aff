import { OrderToValidate } from '../../domain/entities/order-to-validate';

/** Outbound port: the order service, read with this service's own credential (any order). */
export abstract class OrderSource {
  /**
   * null when the order service does not know the order. When it cannot answer, throws the
   * platform's upstream-unavailable error (503): never "not found" for "could not ask".
   */
  abstract findOrder(orderId: string): Promise<OrderToValidate | null>;
}
