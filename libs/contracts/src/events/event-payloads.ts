import { z } from 'zod';

// Payload schemas of the integration events, in the producer's words. Strict: a field the
// version does not define is refused, so a producer cannot drift from its contract unnoticed.
// A new field is a new version; consumers accept the versions the catalogue lists.

const id = z.uuid();
/** money as the HTTP API writes it: a number with at most two decimals */
const amount = z.number().nonnegative().multipleOf(0.01);

export const addressSchema = z.strictObject({
  street: z.string().min(1).max(200),
  city: z.string().min(1).max(100),
  postal_code: z.string().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/),
});

const lineSchema = z.strictObject({
  product_id: id,
  quantity: z.int().min(1),
  price: amount,
});

export const orderPlacedV1 = z.strictObject({
  order_id: id,
  user_id: id,
  items: z.array(lineSchema).min(1),
  total: amount,
  shipping_address: addressSchema.nullable(),
});

export const orderValidatedV1 = z.strictObject({
  order_id: id,
  valid: z.boolean(),
  errors: z.array(
    z.strictObject({
      code: z.string().min(1).max(100),
      message: z.string().min(1).max(500),
      product_id: id.optional(),
    }),
  ),
  validated_at: z.iso.datetime({ offset: true }),
});

export const orderPaidV1 = z.strictObject({
  order_id: id,
  user_id: id,
  payment_id: id,
  total: amount,
  shipping_address: addressSchema.nullable(),
});

export const orderCancelledV1 = z.strictObject({
  order_id: id,
  user_id: id,
  /** why, in the order service's words (e.g. `cancelled by its owner`, `payment_timeout`) */
  cause: z.string().min(1).max(200),
});

export const paymentApprovedV1 = z.strictObject({
  payment_id: id,
  order_id: id,
  amount,
});

export const paymentDeclinedV1 = z.strictObject({
  payment_id: id,
  order_id: id,
  amount,
  reason: z.string().min(1).max(200),
});

export const paymentRefundedV1 = z.strictObject({
  payment_id: id,
  order_id: id,
  amount,
});

export const deliveryCreatedV1 = z.strictObject({
  delivery_id: id,
  order_id: id,
  tracking_number: z.string().min(1).max(100),
});

const deliveryMovedV1 = z.strictObject({
  delivery_id: id,
  order_id: id,
});
export const deliveryInTransitV1 = deliveryMovedV1;
export const deliveryDeliveredV1 = deliveryMovedV1;

export const deliveryCancelledV1 = z.strictObject({
  delivery_id: id,
  order_id: id,
  cause: z.string().min(1).max(200),
});
