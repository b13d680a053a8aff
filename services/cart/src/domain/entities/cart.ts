import { randomUUID } from 'node:crypto';
import { Money } from '@app/kernel';
import {
  CartCheckedOut,
  CartFull,
  CartItemNotFound,
  CheckoutPending,
  EmptyCart,
  InsufficientStock,
  InvalidCart,
  InvalidCartOwner,
  LineQuantityLimitExceeded,
} from '../errors/cart.errors';
import { CartLine } from './cart-line';

/** Units per line (also after adding to an existing line); the same number as the order API. */
export const CART_QUANTITY_MAX = 1000;
/** Distinct products per cart: what one order, and one stock reservation, can hold. */
export const CART_LINES_MAX = 100;

export type CartStatus = 'active' | 'checked_out';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the catalog said about a product when it was looked up. */
export interface ProductSnapshot {
  productId: string;
  name: string;
  unitPrice: Money;
  stockQuantity: number;
}

export interface ShippingAddress {
  street: string;
  city: string;
  postalCode: string;
  country: string;
}

/**
 * A checkout sent to the order service whose outcome the cart does not know yet. `attempt`
 * numbers the idempotency key, so repeating it can only ever replay the same order.
 */
export interface PendingCheckout {
  attempt: number;
  shippingAddress: ShippingAddress | null;
  startedAt: Date;
}

/** What the order service is asked for; `repeated` when it was already asked before. */
export interface CheckoutRequest {
  attempt: number;
  repeated: boolean;
  lines: Array<{ productId: string; quantity: number }>;
  shippingAddress: ShippingAddress | null;
}

/** A line as the order priced it. */
export interface OrderedLine {
  productId: string;
  name: string;
  unitPrice: Money;
}

export interface CartState {
  id: string;
  userId: string;
  status: CartStatus;
  lines: CartLine[];
  orderId: string | null;
  /** checkout attempts started so far (the last one's number) */
  checkoutAttempts: number;
  pendingCheckout: PendingCheckout | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A user's shopping cart. Lines keep the name and price the catalog showed when they were last
 * added or changed; totals are integer cents. An active cart changes freely until a checkout
 * turns it into an order (checked_out, read-only). While a checkout's outcome is unknown the
 * contents are frozen, so the order that may exist and the cart cannot drift apart.
 */
export class Cart {
  private constructor(private state: CartState) {}

  static open(userId: string, now = new Date(), id: string = randomUUID()): Cart {
    if (!UUID.test(userId)) throw new InvalidCartOwner();
    return new Cart({
      id,
      // PostgreSQL hands uuids back in lower case; so does every comparison here
      userId: userId.toLowerCase(),
      status: 'active',
      lines: [],
      orderId: null,
      checkoutAttempts: 0,
      pendingCheckout: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Rebuild from storage: the data was valid when written, so no re-validation. */
  static restore(state: CartState): Cart {
    return new Cart({ ...state, lines: [...state.lines] });
  }

  get id(): string {
    return this.state.id;
  }
  get userId(): string {
    return this.state.userId;
  }
  get status(): CartStatus {
    return this.state.status;
  }
  get items(): readonly CartLine[] {
    return this.state.lines;
  }
  get orderId(): string | null {
    return this.state.orderId;
  }
  get checkoutAttempts(): number {
    return this.state.checkoutAttempts;
  }
  get pendingCheckout(): PendingCheckout | null {
    return this.state.pendingCheckout;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get updatedAt(): Date {
    return this.state.updatedAt;
  }

  get total(): Money {
    return this.state.lines.reduce((sum, line) => sum.add(line.subtotal), Money.zero());
  }

  isOwnedBy(userId: string): boolean {
    return this.state.userId === userId.toLowerCase();
  }

  line(productId: string): CartLine | undefined {
    return this.state.lines.find((line) => line.productId === productId);
  }

  /** Adds units; a product already in the cart gets them on top of its line. */
  addItem(product: ProductSnapshot, quantity: number, now = new Date()): CartLine {
    this.assertModifiable();
    Cart.assertQuantity(quantity);
    const existing = this.line(product.productId);
    const total = (existing?.quantity ?? 0) + quantity;
    if (total > CART_QUANTITY_MAX) {
      throw new LineQuantityLimitExceeded(product.productId, total, CART_QUANTITY_MAX);
    }
    if (!existing && this.state.lines.length >= CART_LINES_MAX) throw new CartFull(CART_LINES_MAX);
    Cart.assertStock(product, total);
    const line = existing
      ? existing.withCatalog(product.name, product.unitPrice).withQuantity(total)
      : CartLine.create(product.productId, product.name, product.unitPrice, quantity, now);
    this.putLine(line, now);
    return line;
  }

  /** Sets a line's quantity (not a delta). */
  changeQuantity(product: ProductSnapshot, quantity: number, now = new Date()): CartLine {
    this.assertModifiable();
    Cart.assertQuantity(quantity);
    const existing = this.line(product.productId);
    if (!existing) throw new CartItemNotFound(product.productId);
    Cart.assertStock(product, quantity);
    const line = existing.withCatalog(product.name, product.unitPrice).withQuantity(quantity);
    this.putLine(line, now);
    return line;
  }

  removeItem(productId: string, now = new Date()): void {
    this.assertModifiable();
    if (!this.line(productId)) throw new CartItemNotFound(productId);
    this.state.lines = this.state.lines.filter((line) => line.productId !== productId);
    this.state.updatedAt = now;
  }

  empty(now = new Date()): void {
    this.assertModifiable();
    this.state.lines = [];
    this.state.updatedAt = now;
  }

  /** Refuses changes to a checked-out cart, or to one whose checkout is still unsettled. */
  assertModifiable(): void {
    if (this.state.status === 'checked_out') throw new CartCheckedOut(this.state.id);
    if (this.state.pendingCheckout) throw new CheckoutPending(this.state.id);
  }

  /**
   * Starts a checkout attempt, or repeats the unsettled one (same attempt number, same
   * contents, so the order service replays rather than places a second order). A repeat must
   * name the same shipping address: another one would be another order request.
   */
  beginCheckout(shippingAddress: ShippingAddress | null, now = new Date()): CheckoutRequest {
    if (this.state.status === 'checked_out') throw new CartCheckedOut(this.state.id);
    const lines = this.state.lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
    }));
    const pending = this.state.pendingCheckout;
    if (pending) {
      if (!sameAddress(pending.shippingAddress, shippingAddress)) {
        throw new CheckoutPending(
          this.state.id,
          `An unfinished checkout of cart ${this.state.id} used another shipping address; ` +
            'repeat it with the same one (or none, if none was given) to finish it.',
        );
      }
      return {
        attempt: pending.attempt,
        repeated: true,
        lines,
        shippingAddress: pending.shippingAddress,
      };
    }
    if (lines.length === 0) throw new EmptyCart(this.state.id);
    const attempt = this.state.checkoutAttempts + 1;
    this.state.checkoutAttempts = attempt;
    this.state.pendingCheckout = { attempt, shippingAddress, startedAt: now };
    this.state.updatedAt = now;
    return { attempt, repeated: false, lines, shippingAddress };
  }

  /**
   * The order service refused the attempt outright (nothing was created): the cart may change
   * again, and the next checkout is a new attempt with a new key. False if it no longer applies.
   */
  abandonCheckout(attempt: number, now = new Date()): boolean {
    if (this.state.status !== 'active' || this.state.pendingCheckout?.attempt !== attempt) {
      return false;
    }
    this.state.pendingCheckout = null;
    this.state.updatedAt = now;
    return true;
  }

  /**
   * The order exists: the cart becomes read-only and records it, its lines priced as the order
   * priced them (checkout prices from the catalog again). False when it was already checked out.
   */
  completeCheckout(orderId: string, ordered: OrderedLine[], now = new Date()): boolean {
    if (this.state.status === 'checked_out') return false;
    const byProduct = new Map(ordered.map((line) => [line.productId, line]));
    this.state.lines = this.state.lines.map((line) => {
      const priced = byProduct.get(line.productId);
      return priced ? line.withCatalog(priced.name, priced.unitPrice) : line;
    });
    this.state.status = 'checked_out';
    this.state.orderId = orderId;
    this.state.pendingCheckout = null;
    this.state.updatedAt = now;
    return true;
  }

  private putLine(line: CartLine, now: Date): void {
    const index = this.state.lines.findIndex((l) => l.productId === line.productId);
    if (index >= 0) this.state.lines[index] = line;
    else this.state.lines.push(line);
    this.state.updatedAt = now;
  }

  private static assertQuantity(quantity: number): void {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > CART_QUANTITY_MAX) {
      throw new InvalidCart(
        'quantity',
        `quantity must be an integer from 1 to ${CART_QUANTITY_MAX}`,
      );
    }
  }

  private static assertStock(product: ProductSnapshot, quantity: number): void {
    if (quantity > product.stockQuantity) {
      throw new InsufficientStock(product.productId, quantity, product.stockQuantity);
    }
  }
}

function sameAddress(a: ShippingAddress | null, b: ShippingAddress | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.street === b.street &&
    a.city === b.city &&
    a.postalCode === b.postalCode &&
    a.country === b.country
  );
}
