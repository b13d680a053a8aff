import { DomainError } from '@app/kernel';

/** Also the answer for a cart that exists but is not the caller's: no existence leak. */
export class CartNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'cart_not_found';

  constructor(cartId: string) {
    super(`Cart ${cartId} not found`, { cart_id: cartId });
  }
}

export class CartItemNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'cart_item_not_found';

  constructor(productId: string) {
    super(`Product ${productId} is not in this cart`, { product_id: productId });
  }
}

/** The catalog does not know the product (or no longer does). */
export class ProductNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'product_not_found';

  constructor(productId: string) {
    super(`Product ${productId} not found`, { product_ids: [productId] });
  }
}

/** Same shape as the product and order services' 409: every short line is listed. */
export class InsufficientStock extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'insufficient_stock';

  constructor(productId: string, requested: number, available: number) {
    super(
      `Only ${available} unit(s) of product ${productId} left; the cart would hold ${requested}`,
      { items: [{ product_id: productId, requested, available }] },
    );
  }
}

export class CartCheckedOut extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'cart_checked_out';

  constructor(cartId: string) {
    super(`Cart ${cartId} is checked out and can no longer change`, { cart_id: cartId });
  }
}

/**
 * A checkout was sent to the order service and its outcome is unknown (no answer): the order
 * may exist. The cart keeps the contents that order was asked for until a repeated checkout
 * settles it, so one cart never turns into two orders.
 */
export class CheckoutPending extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'checkout_pending';

  constructor(cartId: string, detail?: string) {
    super(
      detail ??
        `A checkout of cart ${cartId} is unfinished (the order service did not answer). ` +
          `Repeat POST /api/v1/carts/${cartId}/checkout to finish it before changing the cart.`,
      { cart_id: cartId },
    );
  }
}

/** One line may hold at most the documented maximum, also when adding to an existing line. */
export class LineQuantityLimitExceeded extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'cart_line_limit_exceeded';

  constructor(productId: string, quantity: number, max: number) {
    super(`A cart line holds at most ${max} units; product ${productId} would have ${quantity}`, {
      product_id: productId,
      quantity,
      max,
    });
  }
}

export class CartFull extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'cart_full';

  constructor(max: number) {
    super(`A cart holds at most ${max} different products`, { max });
  }
}

/**
 * The order is placed with the owner's token: the order service scopes idempotency keys per
 * caller, so checkouts by different people could not recognise each other's attempts.
 */
export class CheckoutByOwnerOnly extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'checkout_owner_only';

  constructor(cartId: string) {
    super(`Only the owner of cart ${cartId} can check it out.`, { cart_id: cartId });
  }
}

export class EmptyCart extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'cart_empty';

  constructor(cartId: string) {
    super(`Cart ${cartId} is empty: add items before checking out`, { cart_id: cartId });
  }
}

/** A value breaks an invariant (the DTOs catch these first; this is the last guard). */
export class InvalidCart extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_cart';

  constructor(field: string, message: string) {
    super(message, { errors: [{ field, message }] });
  }
}

/** Carts belong to users, and user ids are UUIDs; a token naming anything else owns no cart. */
export class InvalidCartOwner extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'invalid_cart_owner';

  constructor() {
    super("The token's subject is not a user id, so it cannot own a cart.");
  }
}
