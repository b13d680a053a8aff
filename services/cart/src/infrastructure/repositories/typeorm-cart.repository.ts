import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { writeInTransaction } from '@app/platform';
import { Cart } from '../../domain/entities/cart';
import { CartRepository } from '../../domain/repositories/cart.repository';
import { CartMapper } from './cart.mapper';
import { CART_COLUMNS, CartRow, ItemRow, ITEMS_AS_JSON, SAVE_CART } from './cart.sql';

/**
 * Fixed SQL on the transaction's connection: a checkout touches a cart six times, and TypeORM's
 * query building and hydration were an eighth of the cart service's CPU (docs/performance.md).
 */
@Injectable()
export class TypeormCartRepository extends CartRepository {
  /** the lines each loaded cart had, so that a save rewrites them only when they changed */
  private readonly loadedLines = new WeakMap<Cart, string>();

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async findById(id: string, options?: { forUpdate?: boolean }): Promise<Cart | null> {
    if (!options?.forUpdate) {
      return this.one(`SELECT ${CART_COLUMNS}, ${ITEMS_AS_JSON} FROM carts c WHERE c.id = $1`, [
        id,
      ]);
    }
    // One statement when nobody changed the cart since its snapshot. Under READ COMMITTED a
    // locking read that waited for a concurrent change gets the cart row as that change left
    // it, but its subquery (the lines) still reads the older snapshot; every save rewrites the
    // cart row, so a row version (xmin) other than the snapshot's means the lines may be stale
    // too, and they are read again, after the lock (a save would drop the other's lines).
    const rows = await this.query<CartRow & { items: ItemRow[]; unchanged: boolean }>(
      `SELECT ${CART_COLUMNS}, ${ITEMS_AS_JSON},
              c.xmin = (SELECT s.xmin FROM carts s WHERE s.id = c.id) AS unchanged
         FROM carts c WHERE c.id = $1 FOR UPDATE`,
      [id],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    if (row.unchanged) return this.restore(row);
    const items = await this.query<ItemRow>(
      `SELECT product_id, name, unit_price::text AS unit_price, quantity, added_at
         FROM cart_items WHERE cart_id = $1 ORDER BY added_at, product_id`,
      [id],
    );
    return this.restore({ ...row, items });
  }

  /**
   * One statement: the insert arbitrates on the partial unique index (a concurrent insert for
   * the same user waits for the first to commit, then inserts nothing), and when it inserted
   * nothing the user's active cart is read in the same statement. That read sees the statement's
   * snapshot: a cart committed by a request that won the race after it is not there (null).
   */
  async openActive(cart: Cart): Promise<{ cart: Cart; created: boolean } | null> {
    const row = CartMapper.toRow(cart);
    const [answer] = await this.query<
      { created: boolean } & ((CartRow & { items: ItemRow[] }) | { [K in keyof CartRow]: null })
    >(
      `WITH inserted AS (
         INSERT INTO carts (id, user_id, status, order_id, checkout_attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id) WHERE status = 'active' DO NOTHING
         RETURNING id)
       SELECT EXISTS (SELECT 1 FROM inserted) AS created, existing.*
         FROM (SELECT 1) AS answer
         LEFT JOIN (SELECT ${CART_COLUMNS}, ${ITEMS_AS_JSON} FROM carts c
                     WHERE c.user_id = $2 AND c.status = 'active') AS existing
           ON NOT EXISTS (SELECT 1 FROM inserted)`,
      [
        row.id,
        row.user_id,
        row.status,
        row.order_id,
        row.checkout_attempts,
        row.created_at,
        row.updated_at,
      ],
    );
    if (answer.created) {
      // only the cart row is written: lines it already holds are stored by its first save
      this.loadedLines.delete(cart);
      return { cart, created: true };
    }
    if (answer.id === null) return null;
    return { cart: this.restore(answer as CartRow & { items: ItemRow[] }), created: false };
  }

  /** Sent with the transaction's next statement, its COMMIT at the latest (one round trip). */
  async save(cart: Cart): Promise<void> {
    const row = CartMapper.toRow(cart);
    const cartParams = [
      row.id,
      row.user_id,
      row.status,
      row.order_id,
      row.checkout_attempts,
      row.pending_checkout_attempt,
      row.pending_shipping_address === null ? null : JSON.stringify(row.pending_shipping_address),
      row.pending_checkout_started_at,
      row.updated_at,
    ];
    const lines = CartMapper.linesSignature(cart);
    if (this.loadedLines.get(cart) === lines) {
      await writeInTransaction(this.txHost, SAVE_CART.cartOnly, cartParams);
      return;
    }
    const items = CartMapper.toItemRows(cart);
    await writeInTransaction(this.txHost, SAVE_CART.withLines, [
      ...cartParams,
      items.map((item) => item.product_id),
      items.map((item) => item.name),
      items.map((item) => item.unit_price),
      items.map((item) => item.quantity),
      items.map((item) => item.added_at),
    ]);
    this.loadedLines.set(cart, lines);
  }

  private async one(sql: string, params: unknown[]): Promise<Cart | null> {
    const rows = await this.query<CartRow & { items: ItemRow[] }>(sql, params);
    return rows.length === 0 ? null : this.restore(rows[0]);
  }

  private restore(row: CartRow & { items: ItemRow[] }): Cart {
    const cart = CartMapper.toDomain(row, row.items);
    this.loadedLines.set(cart, CartMapper.linesSignature(cart));
    return cart;
  }

  private query<T = unknown>(sql: string, params: unknown[]): Promise<T[]> {
    return this.txHost.tx.query(sql, params) as Promise<T[]>;
  }
}
