import type { StoredAddress } from '../database/cart.orm-entity';

/** A `carts` row as the repository's statements select it. */
export interface CartRow {
  id: string;
  user_id: string;
  status: 'active' | 'checked_out';
  order_id: string | null;
  checkout_attempts: number;
  pending_checkout_attempt: number | null;
  pending_shipping_address: StoredAddress | null;
  pending_checkout_started_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A `cart_items` row; `added_at` is a string when it comes through json_agg. */
export interface ItemRow {
  product_id: string;
  name: string;
  /** numeric as text: exact, converted to cents by the mapper */
  unit_price: string;
  quantity: number;
  added_at: Date | string;
}

export const CART_COLUMNS = `c.id, c.user_id, c.status, c.order_id, c.checkout_attempts,
  c.pending_checkout_attempt, c.pending_shipping_address, c.pending_checkout_started_at,
  c.created_at, c.updated_at`;

/** The cart's lines in one column, in the order they were added: one statement per read. */
export const ITEMS_AS_JSON = `COALESCE((
    SELECT json_agg(json_build_object(
      'product_id', i.product_id, 'name', i.name, 'unit_price', i.unit_price::text,
      'quantity', i.quantity, 'added_at', i.added_at) ORDER BY i.added_at, i.product_id)
    FROM cart_items i WHERE i.cart_id = c.id), '[]'::json) AS items`;

const UPDATE_CART = `UPDATE carts SET user_id = $2, status = $3, order_id = $4,
    checkout_attempts = $5, pending_checkout_attempt = $6, pending_shipping_address = $7::jsonb,
    pending_checkout_started_at = $8, updated_at = $9
  WHERE id = $1`;

export const SAVE_CART = {
  cartOnly: UPDATE_CART,
  /**
   * The cart row, the lines no longer in it deleted, the others upserted: one statement. The
   * three parts touch different rows (the deleted product ids are not among the upserted ones).
   */
  withLines: `WITH saved_cart AS (${UPDATE_CART}),
    gone AS (DELETE FROM cart_items WHERE cart_id = $1 AND NOT (product_id = ANY($10::uuid[])))
    INSERT INTO cart_items (cart_id, product_id, name, unit_price, quantity, added_at)
    SELECT $1, l.product_id, l.name, l.unit_price, l.quantity, l.added_at
      FROM unnest($10::uuid[], $11::varchar[], $12::numeric[], $13::integer[], $14::timestamptz[])
        AS l(product_id, name, unit_price, quantity, added_at)
    ON CONFLICT (cart_id, product_id) DO UPDATE SET name = EXCLUDED.name,
      unit_price = EXCLUDED.unit_price, quantity = EXCLUDED.quantity, added_at = EXCLUDED.added_at`,
};
