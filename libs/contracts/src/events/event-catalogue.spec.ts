import fc from 'fast-check';
import type { z } from 'zod';
import { brokenVariants, validValue } from '@app/testing/json-schema-arbitrary';
import { jsonSchemaOf, publishedSchemaAccepts } from '@app/testing/published-schema';
import {
  EVENT_CATALOGUE,
  EVENT_PARTIES,
  EVENT_TYPES,
  EventDefinition,
  consumersOf,
  eventEnvelopeSchema,
  eventsConsumedBy,
  isEventType,
  paymentApprovedV1,
} from '.';

const SEED = 20261203;
const RUNS = 150;
// a refusal failure names what was accepted; shrinking values drawn through fc.gen can take
// minutes, so those properties stop at the first failure
const NO_SHRINK = { seed: SEED, numRuns: RUNS, endOnFailure: true };
/** Money in the producers' words: non-negative, at most two decimals. */
const MONEY = /(^|\.)(amount|total|price)$/;

const EVENTS = Object.entries(EVENT_CATALOGUE) as [string, EventDefinition][];
const PAYLOADS = EVENTS.flatMap(([type, event]) =>
  Object.entries(event.payloads).map(
    ([version, schema]) => [`${type} v${version}`, schema] as [string, z.ZodType],
  ),
);

describe('the event catalogue', () => {
  it.each(EVENTS)('%s: produced by a party that does not consume it', (_type, event) => {
    expect(EVENT_PARTIES).toContain(event.producer);
    for (const consumer of Object.keys(event.consumers)) expect(EVENT_PARTIES).toContain(consumer);
    expect(Object.keys(event.consumers)).not.toContain(event.producer);
  });

  it.each(EVENTS)('%s: says what it is and what each consumer does with it', (_type, event) => {
    expect(event.summary.trim()).not.toBe('');
    for (const what of Object.values(event.consumers)) expect(what?.trim()).toBeTruthy();
  });

  it.each(EVENTS)('%s: its version has a payload, and so has every older one', (_type, event) => {
    expect(Number.isInteger(event.version) && event.version >= 1).toBe(true);
    const versions = Object.keys(event.payloads).map(Number);
    expect(versions).toContain(event.version);
    for (const v of versions)
      expect(Number.isInteger(v) && v >= 1 && v <= event.version).toBe(true);
  });

  it.each(EVENTS)('%s: is a type, version and producer the envelope accepts', (type, event) => {
    const { type: t, version, producer } = eventEnvelopeSchema.shape;
    expect(t.safeParse(type).success).toBe(true);
    expect(version.safeParse(event.version).success).toBe(true);
    expect(producer.safeParse(event.producer).success).toBe(true);
  });

  it('lists subscriptions both ways alike, and knows only its own types', () => {
    for (const type of EVENT_TYPES) {
      for (const party of EVENT_PARTIES) {
        expect(eventsConsumedBy(party).includes(type)).toBe(consumersOf(type).includes(party));
      }
      expect(isEventType(type)).toBe(true);
    }
    for (const other of ['order.shipped', 'toString', '__proto__', 'constructor', ''])
      expect(isEventType(other)).toBe(false);
  });
});

describe.each(PAYLOADS)('the %s payload', (_name, schema) => {
  const json = jsonSchemaOf(schema);

  it('accepts generated valid payloads as they are, as does its published schema', () => {
    fc.assert(
      fc.property(validValue(json), (payload) => {
        const parsed = schema.safeParse(payload);
        expect(parsed.error).toBeUndefined();
        expect(parsed.data).toEqual(payload);
        expect(publishedSchemaAccepts(json, payload)).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('refuses a missing or extra field, a wrong type, a bad amount or string, anywhere', () => {
    fc.assert(
      fc.property(validValue(json), fc.gen(), (payload, g) => {
        for (const broken of brokenVariants(json, payload, g)) {
          if (schema.safeParse(broken.value).success) throw new Error(`zod accepts ${broken.what}`);
          if (publishedSchemaAccepts(json, broken.value))
            throw new Error(`the published schema accepts ${broken.what}`);
        }
      }),
      NO_SHRINK,
    );
  });

  it('is broken in every field by the generator (the test above is not vacuous)', () => {
    const cases = fc.sample(
      fc.tuple(validValue(json), fc.gen()).map(([payload, g]) => ({
        payload: payload as object,
        whats: brokenVariants(json, payload, g).map((b) => b.what),
      })),
      { seed: SEED, numRuns: 20 },
    );
    for (const { payload, whats } of cases) {
      for (const key of json.required) expect(whats).toContain(`missing ${key}`);
      for (const key of Object.keys(payload)) expect(whats).toContain(`wrong type ${key}`);
      expect(whats.some((w) => w.startsWith('extra field'))).toBe(true);
      // what the schema says of money is checked above; that it says it, here
      const paths = whats.filter((w) => w.startsWith('wrong type ')).map((w) => w.slice(11));
      for (const path of paths.filter((p) => MONEY.test(p))) {
        expect(whats).toContain(`three decimals ${path}`);
        expect(whats).toContain(`negative ${path}`);
      }
    }
  });
});

describe('amounts', () => {
  const base = {
    payment_id: '7b0f5c1e-2f8a-4c4e-9d51-0a6f3b2c1d00',
    order_id: '0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
  };
  it.each([0, 0.01, 0.07, 10.5, 19.99, 1234567.89])('accepts %p', (amount) => {
    expect(paymentApprovedV1.safeParse({ ...base, amount }).success).toBe(true);
  });
  it.each([10.005, 0.001, -0.01, -10, '10.00', Number.NaN, Infinity])('refuses %p', (amount) => {
    expect(paymentApprovedV1.safeParse({ ...base, amount }).success).toBe(false);
  });
});
