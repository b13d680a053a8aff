// A valid request for each operation, built from its OpenAPI document and the real fixtures:
// the fuzzer then breaks one or a few things in it, so the rest still reaches the business code.
import type { Fixtures } from './fixtures';
import { Operation, Schema, typeOf } from './openapi';
import { Encoded } from './wire';

/** Per-case fresh values (from fast-check, so a seed replays them). */
export interface Fresh {
  uuid: string;
  n: number;
}

export type Credential =
  'valid' | 'none' | 'garbage-bearer' | 'expired-token' | 'wrong-key' | 'other';

/** A request under construction; mutations edit it, `toRaw` puts it on the wire. */
export interface Draft {
  method: string;
  pathParams: Record<string, string | Encoded>;
  query: Array<[string | Encoded, string | Encoded]>;
  headers: Record<string, string>;
  /** the JSON body (may hold RawJson), sent when `hasBody` */
  body?: unknown;
  hasBody: boolean;
  /** bytes sent instead of the serialized body */
  rawBody?: Buffer;
  /** null: no content-type header at all */
  contentType: string | null;
  credential: Credential;
}

const LAST_RESOURCE = /\/([a-z-]+)\/\{[^}]+\}[^{]*$/;

/** The real id a path parameter names, by its name or the collection before it. */
export function realPathValue(op: Operation, name: string, fx: Fixtures, fresh: Fresh): string {
  switch (name) {
    case 'cart_id':
      return fx.cartId;
    case 'product_id':
      return fx.productId;
    case 'tracking_number':
      return fx.trackingNumber;
    case 'order_id':
      return ['delivery', 'payment'].includes(op.service) ? fx.paidOrderId : fx.openOrder.id;
  }
  const before = op.path.slice(0, op.path.indexOf(`{${name}}`)).replace(/\/$/, '');
  const collection = before.slice(before.lastIndexOf('/') + 1);
  switch (collection) {
    case 'products':
      return fx.productId;
    case 'users':
      return fx.victim.id;
    case 'orders':
      return fx.openOrder.id;
    case 'payments':
      return fx.paymentId;
    case 'deliveries':
      return fx.deliveryId;
    case 'outbox':
      return fx.outboxIds[op.service as keyof Fixtures['outboxIds']] ?? fresh.uuid;
  }
  return fresh.uuid;
}

/** Whose customer token opens an operation: /users/{id} acts on the victim, all else the customer. */
export function ownerOf(op: Operation, fx: Fixtures): { id: string } {
  return LAST_RESOURCE.exec(op.path)?.[1] === 'users' ? fx.victim : fx.customer;
}

function realBodyValue(
  op: Operation,
  name: string,
  schema: Schema,
  fx: Fixtures,
  fresh: Fresh,
): unknown {
  const login = op.path.endsWith('/auth/login');
  if (schema.format === 'uuid') {
    switch (name) {
      case 'product_id':
        return fx.productId;
      case 'user_id':
        return fx.customer.id;
      case 'payment_id':
        return fx.paymentId;
      case 'delivery_id':
        return fx.deliveryId;
      case 'order_id':
        if (op.service === 'product') return fresh.uuid; // a new reservation each time
        // payments are made for the open order; deliveries and payment look-ups name the paid one
        return op.service === 'delivery' || (op.service === 'payment' && op.method === 'GET')
          ? fx.paidOrderId
          : fx.openOrder.id;
      default:
        return fresh.uuid; // message ids and the like: a new message each time
    }
  }
  if (name === 'email') {
    return login ? fx.customer.email : `fuzz-${fresh.n}-${fresh.uuid.slice(0, 8)}@example.com`;
  }
  if (name === 'password' && login) return fx.customer.password;
  // a self-service credential change names the current password (the victim's)
  if (name === 'current_password') return fx.victim.password;
  if (name === 'amount') return fx.openOrder.total;
  return undefined;
}

/** A valid value for a schema: its example, else one made from its type and bounds. */
export function validValue(
  op: Operation,
  schema: Schema,
  name: string,
  fx: Fixtures,
  fresh: Fresh,
): unknown {
  const real = realBodyValue(op, name, schema, fx, fresh);
  if (real !== undefined) return real;
  if (schema.enum?.length) {
    return schema.enum.includes(schema.example) ? schema.example : schema.enum[0];
  }
  const type = typeOf(schema);
  if (type === 'object') {
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([key, child]) => [
        key,
        validValue(op, child, key, fx, fresh),
      ]),
    );
  }
  if (type === 'array') {
    const item = schema.items ?? { type: 'string' };
    return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
      validValue(op, item, name, fx, fresh),
    );
  }
  if (schema.example !== undefined && schema.example !== null) return schema.example;
  if (type === 'number' || type === 'integer') {
    return Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? 1);
  }
  if (type === 'boolean') return true;
  if (schema.format === 'date-time') return new Date(0).toISOString();
  return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

/** The valid starting point of every case of an operation. */
export function baseline(op: Operation, fx: Fixtures, fresh: Fresh): Draft {
  const draft: Draft = {
    method: op.method,
    pathParams: {},
    query: [],
    headers: {},
    hasBody: op.body !== undefined,
    body: op.body ? validValue(op, op.body, '', fx, fresh) : undefined,
    contentType: op.body ? 'application/json' : null,
    credential: 'valid',
  };
  for (const param of op.parameters) {
    if (param.in === 'path') {
      draft.pathParams[param.name] = realPathValue(op, param.name, fx, fresh);
    } else if (param.in === 'query' && param.required) {
      draft.query.push([param.name, String(validValue(op, param.schema, param.name, fx, fresh))]);
    } else if (param.in === 'header') {
      // Idempotency-Key and the like: a new one each case, so no case replays another
      draft.headers[param.name.toLowerCase()] = `fuzz-${fresh.uuid}`;
    }
  }
  return draft;
}
