import { InvalidReservation } from '../errors/product.errors';

export const RESERVATION_ITEMS_MAX = 100;
export const RESERVATION_QUANTITY_MAX = 1000;

export type ReservationStatus = 'reserved' | 'released';

export interface ReservationItem {
  productId: string;
  quantity: number;
}

export interface StockReservationState {
  orderId: string;
  status: ReservationStatus;
  items: ReservationItem[];
  createdAt: Date;
  releasedAt: Date | null;
}

/**
 * Stock held for one order. `orderId` is the idempotency key: an order has at most one
 * reservation. Items are kept sorted by product id, the order in which rows are locked, so
 * concurrent reservations over the same products cannot deadlock. A released reservation stays
 * released for good: its order id can never take stock again.
 */
export class StockReservation {
  private constructor(private state: StockReservationState) {}

  static create(orderId: string, items: ReservationItem[], now = new Date()): StockReservation {
    if (items.length === 0 || items.length > RESERVATION_ITEMS_MAX) {
      throw new InvalidReservation('items', `items must hold 1 to ${RESERVATION_ITEMS_MAX} lines`);
    }
    // UUIDs compare case-insensitively; one spelling keeps duplicates and lock order honest.
    const normalized = items.map((item) => ({ ...item, productId: item.productId.toLowerCase() }));
    const seen = new Set<string>();
    for (const item of normalized) {
      if (seen.has(item.productId)) {
        throw new InvalidReservation('items', 'items must not repeat a product_id');
      }
      seen.add(item.productId);
      if (
        !Number.isInteger(item.quantity) ||
        item.quantity < 1 ||
        item.quantity > RESERVATION_QUANTITY_MAX
      ) {
        throw new InvalidReservation(
          'items.quantity',
          `quantity must be an integer from 1 to ${RESERVATION_QUANTITY_MAX}`,
        );
      }
    }
    return new StockReservation({
      orderId: orderId.toLowerCase(),
      status: 'reserved',
      items: StockReservation.sorted(normalized),
      createdAt: now,
      releasedAt: null,
    });
  }

  /**
   * What a release leaves for an order that holds no reservation (yet): released, no items, no
   * stock taken. The order service releases when it cannot tell whether its reservation went
   * through (a lost answer, a placement given up); a reservation for that order still on its way
   * then meets this row and is refused instead of taking stock that nobody would give back.
   */
  static tombstone(orderId: string, now = new Date()): StockReservation {
    return new StockReservation({
      orderId: orderId.toLowerCase(),
      status: 'released',
      items: [],
      createdAt: now,
      releasedAt: now,
    });
  }

  static restore(state: StockReservationState): StockReservation {
    return new StockReservation({ ...state, items: StockReservation.sorted(state.items) });
  }

  get orderId(): string {
    return this.state.orderId;
  }
  get status(): ReservationStatus {
    return this.state.status;
  }
  get items(): ReservationItem[] {
    return this.state.items.map((item) => ({ ...item }));
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get releasedAt(): Date | null {
    return this.state.releasedAt;
  }

  /** Same products and quantities, whatever the order they were listed in. */
  hasSameItems(items: ReservationItem[]): boolean {
    const other = StockReservation.sorted(
      items.map((item) => ({ ...item, productId: item.productId.toLowerCase() })),
    );
    return (
      other.length === this.state.items.length &&
      other.every(
        (item, i) =>
          item.productId === this.state.items[i].productId &&
          item.quantity === this.state.items[i].quantity,
      )
    );
  }

  /** Returns false when already released: releasing gives stock back once. */
  release(now = new Date()): boolean {
    if (this.state.status === 'released') return false;
    this.state = { ...this.state, status: 'released', releasedAt: now };
    return true;
  }

  private static sorted(items: ReservationItem[]): ReservationItem[] {
    return [...items]
      .map((item) => ({ ...item }))
      .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  }
}
