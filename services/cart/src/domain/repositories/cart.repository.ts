import { Cart } from '../entities/cart';

/** Port for carts. Every method joins the caller's unit of work when one is running. */
export abstract class CartRepository {
  /** `forUpdate` locks the cart until the unit of work ends: its changes then serialize. */
  abstract findById(id: string, options?: { forUpdate?: boolean }): Promise<Cart | null>;
  abstract findActiveByUser(userId: string): Promise<Cart | null>;
  /**
   * Stores a new active cart unless the user already has one (the database allows one active
   * cart per user, also between concurrent requests). False when one existed.
   */
  abstract insertIfNoActive(cart: Cart): Promise<boolean>;
  /** Writes the cart and its lines (lines no longer in the cart are deleted). */
  abstract save(cart: Cart): Promise<void>;
}
