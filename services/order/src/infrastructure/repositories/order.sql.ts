import type { OrderEvent } from '../../domain/entities/order-event';

/** An order with its lines (`items`, by line number), in the shape of the ORM entities. */
export const SELECT_ORDER = `SELECT o.id, o.user_id AS "userId", o.status, o.total::text AS total,
    o.shipping_address AS "shippingAddress", o.created_at AS "createdAt",
    o.updated_at AS "updatedAt",
    COALESCE((SELECT json_agg(json_build_object(
        'orderId', i.order_id, 'lineNo', i.line_no, 'productId', i.product_id, 'name', i.name,
        'unitPrice', i.unit_price::text, 'quantity', i.quantity, 'subtotal', i.subtotal::text)
      ORDER BY i.line_no) FROM order_items i WHERE i.order_id = o.id), '[]'::json) AS items
  FROM orders o`;

/**
 * An order locked, with its history (oldest first) and whether the locked row is the version
 * the statement's snapshot holds (`unchanged`): when the statement waited for another
 * transaction's lock, its subqueries still read the older snapshot, and every change that
 * appends events also rewrites the order row, so a newer row means the history must be read
 * again, after the lock.
 */
export const SELECT_ORDER_WITH_HISTORY_FOR_UPDATE = `${SELECT_ORDER.replace(
  /\n {2}FROM orders o$/,
  `,
    COALESCE((SELECT json_agg(json_build_object(
        'id', e.id, 'orderId', e.order_id, 'type', e.type, 'status', e.status, 'cause', e.cause,
        'occurredAt', e.occurred_at, 'messageId', e.message_id, 'paymentId', e.payment_id,
        'deliveryId', e.delivery_id)
      ORDER BY e.sequence) FROM order_events e WHERE e.order_id = o.id), '[]'::json) AS events,
    o.xmin = (SELECT s.xmin FROM orders s WHERE s.id = o.id) AS unchanged
  FROM orders o`,
)} WHERE o.id = $1 FOR UPDATE OF o`;

/** The events of one save as parallel arrays, in the order they happened. */
export function eventColumns(events: OrderEvent[]): unknown[] {
  return [
    events.map((e) => e.id),
    events.map((e) => e.type),
    events.map((e) => e.status),
    events.map((e) => e.cause),
    events.map((e) => e.occurredAt),
    events.map((e) => e.messageId),
    events.map((e) => e.paymentId),
    events.map((e) => e.deliveryId),
  ];
}

/** $n.. of eventColumns, numbered from `first`: each event's row, its position as `ord`. */
function eventRows(first: number): string {
  const p = (k: number) => `$${first + k}`;
  return `unnest(${p(0)}::uuid[], ${p(1)}::varchar[], ${p(2)}::varchar[], ${p(3)}::varchar[],
      ${p(4)}::timestamptz[], ${p(5)}::uuid[], ${p(6)}::uuid[], ${p(7)}::uuid[])
    WITH ORDINALITY AS e(id, type, status, cause, occurred_at, message_id, payment_id, delivery_id, ord)`;
}

const EVENT_COLUMNS =
  'id, order_id, sequence, type, status, cause, occurred_at, message_id, payment_id, delivery_id';

/** A new order: its row, its lines, its events numbered from 1. */
export const INSERT_ORDER = `WITH new_order AS (
    INSERT INTO orders (id, user_id, status, total, shipping_address, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)),
  new_items AS (
    INSERT INTO order_items (order_id, line_no, product_id, name, unit_price, quantity, subtotal)
    SELECT $1, l.line_no, l.product_id, l.name, l.unit_price, l.quantity, l.subtotal
      FROM unnest($8::uuid[], $9::varchar[], $10::numeric[], $11::integer[], $12::numeric[])
        WITH ORDINALITY AS l(product_id, name, unit_price, quantity, subtotal, line_no))
  INSERT INTO order_events (${EVENT_COLUMNS})
  SELECT e.id, $1, e.ord, e.type, e.status, e.cause, e.occurred_at, e.message_id, e.payment_id,
         e.delivery_id
    FROM ${eventRows(13)}`;

/** A status change and its events, numbered after the order's last one. */
export const SAVE_ORDER_CHANGES = `WITH changed AS (
    UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1),
  last AS (SELECT COALESCE(MAX(sequence), 0) AS sequence FROM order_events WHERE order_id = $1)
  INSERT INTO order_events (${EVENT_COLUMNS})
  SELECT e.id, $1, last.sequence + e.ord, e.type, e.status, e.cause, e.occurred_at, e.message_id,
         e.payment_id, e.delivery_id
    FROM last, ${eventRows(4)}`;
