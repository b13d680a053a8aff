import { PayableOrder } from '../../domain/entities/payable-order';

/**
 * The order service as the payment service needs it. Throws the platform's unavailable error
 * (503) when the order service cannot answer, and a 401 domain error when it refuses the
 * caller's token.
 */
export abstract class OrderDirectory {
  /** The order as the caller sees it; null when it does not exist or is another customer's. */
  abstract findForCaller(orderId: string, userToken: string): Promise<PayableOrder | null>;
}
