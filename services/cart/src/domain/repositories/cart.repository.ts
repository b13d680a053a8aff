import { Cart } from '../entities/cart';

/** Port for carts. Every method joins the caller's unit of work when one is running. */
export abstract class CartRepository {
  /** `forUpdate` locks the cart until the unit of work ends: its changes then serialize. */
  abstract findById(id: string, options?: { forUpdate?: boolean }): Promise<Cart | null>;
  /**
   * The user's active cart: `cart` (stored now, `created`) when there is none, else the one
   * there is. The database allows one active cart per user, also between concurrent requests;
   * null when another request's cart appeared too late for this statement to read it (ask again).
   */
  abstract openActive(cart: Cart): Promise<{ cart: Cart; created: boolean } | null>;
  /** Writes the cart and its lines (lines no longer in the cart are deleted). */
  abstract save(cart: Cart): Promise<void>;
}
