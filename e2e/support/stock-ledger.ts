// The stock of a running stack as its databases hold it: what the product service has reserved,
// what the order service has stored, and whether the two agree (stock conservation).
import { Client } from 'pg';
import { FullStack } from './stack';

function databaseUrl(stack: FullStack, database: string): string {
  const admin = process.env.POSTGRES_URL;
  if (!admin) throw new Error('POSTGRES_URL is not set: run this suite through jest');
  const url = new URL(admin);
  url.pathname = `/${stack.dbPrefix}${database}`;
  return url.toString();
}

export interface Reservation {
  order_id: string;
  units: number;
}

export interface Conservation {
  product_id: string;
  initial: number;
  current: number;
  /** units of the orders that exist and are not cancelled */
  ordered: number;
}

/** Read-only SQL against a stack's product_db and order_db. */
export class StockLedger {
  private constructor(
    private readonly product: Client,
    private readonly order: Client,
  ) {}

  static async open(stack: FullStack): Promise<StockLedger> {
    const product = new Client({ connectionString: databaseUrl(stack, 'product_db') });
    const order = new Client({ connectionString: databaseUrl(stack, 'order_db') });
    await product.connect();
    await order.connect();
    return new StockLedger(product, order);
  }

  async close(): Promise<void> {
    await this.product.end();
    await this.order.end();
  }

  /** Reservations still holding stock of these products, with their units. */
  async reserved(productIds: string[]): Promise<Reservation[]> {
    const { rows } = await this.product.query<Reservation>(
      `SELECT r.order_id, sum(i.quantity)::int AS units
         FROM stock_reservations r JOIN stock_reservation_items i USING (order_id)
        WHERE r.status = 'reserved' AND i.product_id = ANY($1::uuid[])
        GROUP BY r.order_id`,
      [productIds],
    );
    return rows;
  }

  /** Of these orders, the ones the order service has stored. */
  async storedOrders(orderIds: string[]): Promise<Set<string>> {
    const { rows } = await this.order.query<{ id: string }>(
      `SELECT id FROM orders WHERE id = ANY($1::uuid[])`,
      [orderIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Reserved stock with no order behind it (yet, or ever). */
  async reservedWithoutOrder(productIds: string[]): Promise<Reservation[]> {
    const reserved = await this.reserved(productIds);
    const stored = await this.storedOrders(reserved.map((r) => r.order_id));
    return reserved.filter((r) => !stored.has(r.order_id));
  }

  /** Stored orders of these products that are not cancelled, without a reservation holding stock. */
  async ordersWithoutReservation(productIds: string[]): Promise<string[]> {
    const { rows } = await this.order.query<{ id: string }>(
      `SELECT DISTINCT o.id FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.status <> 'cancelada' AND i.product_id = ANY($1::uuid[])`,
      [productIds],
    );
    const reserved = new Set((await this.reserved(productIds)).map((r) => r.order_id));
    return rows.map((r) => r.id).filter((id) => !reserved.has(id));
  }

  async placements(): Promise<Array<{ order_id: string; state: string }>> {
    const { rows } = await this.order.query<{ order_id: string; state: string }>(
      `SELECT order_id, state FROM order_placements ORDER BY started_at`,
    );
    return rows;
  }

  /** For each product: initial − current stock against the units of its live orders. */
  async conservation(initial: Map<string, number>): Promise<Conservation[]> {
    const ids = [...initial.keys()];
    const stock = await this.product.query<{ id: string; stock_quantity: number }>(
      `SELECT id, stock_quantity FROM products WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const ordered = await this.order.query<{ product_id: string; units: number }>(
      `SELECT i.product_id, sum(i.quantity)::int AS units
         FROM order_items i JOIN orders o ON o.id = i.order_id
        WHERE o.status <> 'cancelada' AND i.product_id = ANY($1::uuid[])
        GROUP BY i.product_id`,
      [ids],
    );
    const units = new Map(ordered.rows.map((r) => [r.product_id, r.units]));
    return stock.rows
      .map((r) => ({
        product_id: r.id,
        initial: initial.get(r.id)!,
        current: r.stock_quantity,
        ordered: units.get(r.id) ?? 0,
      }))
      .sort((a, b) => a.product_id.localeCompare(b.product_id));
  }
}
