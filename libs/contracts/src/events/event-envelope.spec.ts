import fc from 'fast-check';
import { brokenVariants, validValue } from '@app/testing/json-schema-arbitrary';
import { jsonSchemaOf, publishedSchemaAccepts } from '@app/testing/published-schema';
import { EVENT_CATALOGUE, EVENT_TYPES, EventEnvelope, eventEnvelopeSchema } from '.';

const SEED = 20261204;
const RUNS = 300;

const json = jsonSchemaOf(eventEnvelopeSchema);
const anyEnvelope = validValue(json) as fc.Arbitrary<EventEnvelope>;

/** An envelope of a catalogue event at its current version, with a valid payload. */
const catalogueEnvelope = fc.constantFrom(...EVENT_TYPES).chain((type) => {
  const { version, producer, payloads } = EVENT_CATALOGUE[type];
  return fc
    .tuple(anyEnvelope, validValue(jsonSchemaOf(payloads[version])))
    .map(([envelope, payload]) => ({ ...envelope, type, version, producer, payload }));
});

function refused(envelope: unknown): boolean {
  return (
    !eventEnvelopeSchema.safeParse(envelope).success && !publishedSchemaAccepts(json, envelope)
  );
}

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const traceparent = fc
  .tuple(hex(32), hex(16), hex(2))
  .map(([trace, parent, flags]) => `00-${trace}-${parent}-${flags}`);

describe('the event envelope', () => {
  it('accepts generated envelopes as they are, as does its published schema', () => {
    fc.assert(
      fc.property(fc.oneof(anyEnvelope, catalogueEnvelope), (envelope) => {
        const parsed = eventEnvelopeSchema.safeParse(envelope);
        expect(parsed.error).toBeUndefined();
        expect(parsed.data).toEqual(envelope);
        expect(publishedSchemaAccepts(json, envelope)).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("carries a catalogue event's payload, valid for its version", () => {
    fc.assert(
      fc.property(catalogueEnvelope, (envelope) => {
        const event = EVENT_CATALOGUE[envelope.type as keyof typeof EVENT_CATALOGUE];
        expect(event.payloads[envelope.version].safeParse(envelope.payload).success).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('refuses a missing or extra field, a wrong type, a string off its pattern, anywhere', () => {
    fc.assert(
      fc.property(anyEnvelope, fc.gen(), (envelope, g) => {
        const variants = brokenVariants(json, envelope, g);
        for (const key of json.required)
          expect(variants.map((v) => v.what)).toContain(`missing ${key}`);
        for (const broken of variants) {
          if (!refused(broken.value)) throw new Error(`accepted: ${broken.what}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true }, // shrinking through fc.gen is slow
    );
  });

  // near misses: one character or one rule away from valid, which random strings rarely hit

  const withField = (field: string, value: fc.Arbitrary<unknown>) =>
    fc.tuple(anyEnvelope, value).map(([envelope, v]) => ({ ...envelope, [field]: v }));

  it.each([
    [
      'id: a uuid with a non-hex character, a bad version or variant digit, one short',
      'id',
      fc
        .uuid()
        .chain((id) =>
          fc.constantFrom(
            `${id.slice(0, 35)}g`,
            `${id.slice(0, 14)}0${id.slice(15)}`,
            `${id.slice(0, 14)}9${id.slice(15)}`,
            `${id.slice(0, 19)}c${id.slice(20)}`,
            id.slice(1),
            id.replaceAll('-', ''),
          ),
        ),
    ],
    [
      'type: no dot, two dots, capitals, digits, spaces',
      'type',
      fc
        .constantFrom(...EVENT_TYPES)
        .chain((type) =>
          fc.constantFrom(
            type.replace('.', ''),
            `${type}.v1`,
            type.toUpperCase(),
            `${type}2`,
            ` ${type}`,
            type.replace('.', ' '),
          ),
        ),
    ],
    [
      'version: zero, negative, a fraction, a string',
      'version',
      fc.oneof(
        fc.constant(0),
        fc.integer({ max: -1 }),
        fc.integer({ min: 1, max: 1000 }).map((v) => v + 0.5),
        fc.integer({ min: 1, max: 9 }).map(String),
      ),
    ],
    [
      'producer: not one of the seven services',
      'producer',
      fc.oneof(
        fc.constantFrom('orders', 'Order', 'order ', 'order_validation', 'gateway', ''),
        fc
          .string()
          .filter((s) => !/^(product|user|cart|order|order-validation|payment|delivery)$/.test(s)),
      ),
    ],
    [
      'traceparent: capitals, another version, a short trace or parent id, no flags',
      'traceparent',
      traceparent.chain((tp) =>
        fc.constantFrom(
          `00-A${tp.slice(4)}`,
          `01${tp.slice(2)}`,
          `ff${tp.slice(2)}`,
          `00-${tp.slice(4)}`,
          tp.replace(/-[0-9a-f]{16}-/, (p) => `${p.slice(0, 16)}-`),
          tp.slice(0, -3),
        ),
      ),
    ],
    [
      'request_id: empty, over 128 characters, a space, a slash or a non-ASCII character',
      'request_id',
      fc.oneof(
        fc.constant(''),
        fc.stringMatching(/^[a-z0-9]{129,200}$/),
        fc.constantFrom('req 1', 'req/1', 'réq-1', 'req\n1', 'req<1>'),
      ),
    ],
    [
      'occurred_at: no zone, a date only, an impossible date',
      'occurred_at',
      fc.constantFrom('2026-12-03T08:00:00', '2026-12-03', '2026-02-30T08:00:00Z', 'yesterday'),
    ],
    ['subject: empty or over 200 characters', 'subject', fc.constantFrom('', 'x'.repeat(201))],
    [
      'payload: not an object',
      'payload',
      fc.oneof(fc.constant(null), fc.array(fc.nat()), fc.string()),
    ],
  ])('refuses %s', (_what, field, bad) => {
    fc.assert(
      fc.property(withField(field as string, bad as fc.Arbitrary<unknown>), (envelope) => {
        expect(refused(envelope)).toBe(true);
      }),
      { seed: SEED, numRuns: 50 },
    );
  });

  it('accepts a traceparent and a request id of every valid shape', () => {
    fc.assert(
      fc.property(
        withField('traceparent', traceparent),
        fc.stringMatching(/^[A-Za-z0-9_.:-]{1,128}$/),
        (envelope, requestId) => {
          expect(refused(envelope)).toBe(false);
          expect(
            eventEnvelopeSchema.safeParse({ ...envelope, request_id: requestId }).success,
          ).toBe(true);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
