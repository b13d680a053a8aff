import { z } from 'zod';

/** Names of the services, as producers and consumers of events. */
export const EVENT_PARTIES = [
  'product',
  'user',
  'cart',
  'order',
  'order-validation',
  'payment',
  'delivery',
] as const;
export type EventParty = (typeof EVENT_PARTIES)[number];

// W3C trace context: version 00, 16-byte trace id, 8-byte parent id, flags
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * What travels for every integration event, on either transport: the fact (`type`, `version`,
 * `payload`) and where it came from. `id` is unique per event; consumers record it in their
 * inbox. `request_id` and `traceparent` are those of the request that caused the event.
 */
export const eventEnvelopeSchema = z.strictObject({
  id: z.uuid(),
  type: z.string().regex(/^[a-z-]+\.[a-z_]+$/),
  version: z.int().min(1),
  occurred_at: z.iso.datetime({ offset: true }),
  producer: z.enum(EVENT_PARTIES),
  /** the aggregate the event is about (events of one aggregate are delivered in order) */
  subject: z.string().min(1).max(200),
  request_id: z.string().regex(REQUEST_ID).optional(),
  traceparent: z.string().regex(TRACEPARENT).optional(),
  payload: z.record(z.string(), z.unknown()),
});

export type EventEnvelope<P = Record<string, unknown>> = Omit<
  z.infer<typeof eventEnvelopeSchema>,
  'payload'
> & { payload: P };
