import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import * as prettier from 'prettier';
import { stringify } from 'yaml';
import {
  EVENT_CATALOGUE,
  EVENT_TYPES,
  EventDefinition,
  consumersOf,
  eventEnvelopeSchema,
} from '@app/contracts';
import { validValue } from '@app/testing/json-schema-arbitrary';
import { jsonSchemaOf } from '@app/testing/published-schema';
import {
  ENVELOPE_FIELDS,
  EXCHANGE,
  ServicePort,
  asyncApiDocument,
  queueOf,
} from './asyncapi-document';
import { BEGIN, END, catalogueMarkdown, withCatalogue } from './catalogue-markdown';

// docs/asyncapi.yaml and the catalogue part of docs/messaging.md are generated from the event
// catalogue: this suite regenerates both and fails when the committed files differ (run
// `npm run docs:events` to write them), and validates the AsyncAPI document with the official
// parser (@asyncapi/parser: the AsyncAPI 3.0 JSON schema plus its Spectral rules).

const ROOT = path.join(__dirname, '../..');
const ASYNCAPI = path.join(ROOT, 'docs/asyncapi.yaml');
const MESSAGING = path.join(ROOT, 'docs/messaging.md');
const WRITE = process.env.WRITE_GENERATED_DOCS === '1';

const HEADER =
  '# Generated from the event catalogue (libs/contracts/src/events) by e2e/asyncapi:\n' +
  '# do not edit; `npm run docs:events` rewrites it.\n';

async function formatted(file: string, text: string, parser: 'yaml' | 'markdown') {
  const options = await prettier.resolveConfig(file);
  return prettier.format(text, { ...options, parser });
}

/** Writes the file (WRITE_GENERATED_DOCS=1) or says it must be regenerated. */
function compareOrWrite(file: string, expected: string) {
  if (WRITE) return writeFileSync(file, expected);
  const actual = readFileSync(file, 'utf8');
  if (actual !== expected) {
    throw new Error(
      `${path.relative(ROOT, file)} is not what the event catalogue generates: ` +
        'run `npm run docs:events` and commit the result',
    );
  }
}

async function servicePorts(): Promise<ServicePort[]> {
  const registry = pathToFileURL(path.join(ROOT, 'scripts/lib/services.mjs')).href;
  const { SERVICES } = await import(registry);
  // the edge gateway is in the registry too, but it takes no part in events
  return SERVICES.filter(({ name }: ServicePort) => name !== 'gateway').map(
    ({ name, port }: ServicePort) => ({ name, port }),
  );
}

describe('docs/asyncapi.yaml', () => {
  let text: string;

  beforeAll(async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const document = asyncApiDocument(version, await servicePorts());
    const yaml = stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
    text = await formatted(ASYNCAPI, HEADER + yaml, 'yaml');
  });

  it('is what the event catalogue generates', () => {
    compareOrWrite(ASYNCAPI, text);
  });

  describe('parsed by @asyncapi/parser', () => {
    let parsed: AsyncAPIDocumentInterface;
    let diagnostics: Awaited<ReturnType<Parser['parse']>>['diagnostics'];

    beforeAll(async () => {
      const output = await new Parser().parse(text, { source: ASYNCAPI });
      diagnostics = output.diagnostics;
      parsed = output.document!; // undefined only with errors, which the first test shows
    });

    it('is a valid AsyncAPI 3.0 document: no error', () => {
      const errors = diagnostics
        .filter((d) => d.severity === DiagnosticSeverity.Error)
        .map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
      expect(errors).toEqual([]);
      expect(parsed.version()).toBe('3.0.0');
    });

    it('has one channel per event type, its address the routing key on the exchange', () => {
      const channels = parsed.channels().all();
      expect(channels.map((c) => c.address()).sort()).toEqual([...EVENT_TYPES].sort());
      for (const channel of channels) {
        const amqp = channel.bindings().get('amqp')?.value();
        expect(amqp).toMatchObject({
          is: 'routingKey',
          exchange: { name: EXCHANGE, type: 'topic', durable: true },
        });
      }
    });

    it('has a send by the producer and a receive by each consumer, on its queue', () => {
      const operations = parsed.operations().all();
      for (const type of EVENT_TYPES) {
        const event = EVENT_CATALOGUE[type] as EventDefinition;
        const on = operations.filter((o) => o.channels().all()[0].address() === type);
        const sends = on.filter((o) => o.action() === 'send');
        expect(sends.map((o) => o.id())).toEqual([`${event.producer}.send.${type}`]);
        const receives = on.filter((o) => o.action() === 'receive');
        expect(receives.map((o) => o.id()).sort()).toEqual(
          consumersOf(type)
            .map((c) => `${c}.receive.${type}`)
            .sort(),
        );
        for (const consumer of consumersOf(type)) {
          const receive = receives.find((o) => o.id() === `${consumer}.receive.${type}`);
          expect(receive?.summary()).toBe(event.consumers[consumer]);
          expect(receive?.bindings().get('amqp')?.value()['x-queue']).toEqual({
            name: queueOf(consumer),
            type: 'quorum',
            durable: true,
          });
        }
      }
    });

    it("describes each message as an envelope of its type, with its version's payload", () => {
      const ajv = addFormats(new Ajv({ strict: false, multipleOfPrecision: 3 }));
      const envelopeJson = jsonSchemaOf(eventEnvelopeSchema);
      for (const type of EVENT_TYPES) {
        const event = EVENT_CATALOGUE[type] as EventDefinition;
        const other = EVENT_TYPES.find((t) => t !== type);
        for (const [version, payloadSchema] of Object.entries(event.payloads)) {
          const schema = parsed.components().messages().get(`${type}.v${version}`)?.payload();
          expect(schema).toBeDefined();
          const validate = ajv.compile(schema!.json());
          const envelopes = fc.sample(
            fc
              .tuple(validValue(envelopeJson), validValue(jsonSchemaOf(payloadSchema)))
              .map(([envelope, payload]) => ({
                ...(envelope as Record<string, unknown>),
                type,
                version: Number(version),
                producer: event.producer,
                payload: payload as Record<string, unknown>,
              })),
            { seed: 20261205, numRuns: 30 },
          );
          for (const envelope of envelopes) {
            expect(validate(envelope)).toBe(true);
            expect(validate({ ...envelope, type: other })).toBe(false);
            expect(validate({ ...envelope, version: envelope.version + 1 })).toBe(false);
            expect(validate({ ...envelope, payload: { ...envelope.payload, extra: 1 } })).toBe(
              false,
            );
          }
        }
      }
    });
  });
});

describe('docs/messaging.md', () => {
  it('explains every envelope field', () => {
    expect(Object.keys(ENVELOPE_FIELDS).sort()).toEqual(
      Object.keys(eventEnvelopeSchema.shape).sort(),
    );
  });

  it('holds the catalogue the event catalogue generates (table and diagram)', async () => {
    const doc = readFileSync(MESSAGING, 'utf8');
    const expected = await formatted(
      MESSAGING,
      withCatalogue(doc, catalogueMarkdown()),
      'markdown',
    );
    compareOrWrite(MESSAGING, expected);
    const block = expected.slice(expected.indexOf(BEGIN), expected.indexOf(END));
    for (const type of EVENT_TYPES) expect(block).toContain(`\`${type}\``);
    expect(block).toContain('```mermaid');
  });
});
