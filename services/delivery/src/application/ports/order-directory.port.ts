/** An order as the delivery service needs to see it. */
export interface OrderSnapshot {
  id: string;
  userId: string;
}

/**
 * The order service, read on a user's behalf. An unreachable order service throws the
 * platform's UpstreamUnavailableError (503); a token it refuses, OrderServiceRefusedToken (401).
 */
export abstract class OrderDirectory {
  /** The order if it exists and the token's user may see it (owner or admin), else null. */
  abstract findForUser(orderId: string, userToken: string): Promise<OrderSnapshot | null>;
}
