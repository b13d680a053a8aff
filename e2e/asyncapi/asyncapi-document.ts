import {
  EVENT_CATALOGUE,
  EVENT_TYPES,
  EventDefinition,
  EventParty,
  EventType,
  consumersOf,
  eventEnvelopeSchema,
} from '@app/contracts';
import type { JsonSchema } from '@app/testing/json-schema-arbitrary';
import { jsonSchemaOf } from '@app/testing/published-schema';

// docs/asyncapi.yaml, built from the event catalogue (libs/contracts/src/events): one channel
// per event type, whose address is the routing key on the topic exchange; a `send` operation
// by its producer and a `receive` operation by each consumer; one message per payload version,
// whose payload is the whole envelope (what travels as the AMQP body and the HTTP push body).

export const EXCHANGE = 'nest-commerce.events';
export const queueOf = (service: EventParty) => `${service}.events`;
export const INTERNAL_EVENTS_PATH = '/api/v1/internal/events';

/** What each envelope field means; the spec checks these keys are the envelope's fields. */
export const ENVELOPE_FIELDS: Record<string, string> = {
  id: 'Unique per event (uuid). Consumers record it in their inbox: a duplicate has no effect.',
  type: 'The event type, also the routing key and the channel address (`order.paid`).',
  version: 'The payload version; consumers accept every version the catalogue lists.',
  occurred_at: 'When the fact happened (ISO 8601 with an offset).',
  producer: 'The service that states the fact.',
  subject:
    "The aggregate the event is about: the order id. One subject's events reach each " +
    'consumer in the order they were written.',
  request_id: 'The request id of the HTTP request that caused the event; consumers log it.',
  traceparent:
    'The W3C trace context of that request. An all-zero trace or parent id is accepted and ' +
    'ignored (W3C): the handling starts a new trace.',
  payload: 'The fact, in the producer’s words: the schema of this type and version.',
};

type Ref = { $ref: string };
const ref = (path: string): Ref => ({ $ref: `#/${path}` });
const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const messageKey = (type: string, version: number | string) => `${type}.v${version}`;

function definitionOf(type: EventType): EventDefinition {
  return EVENT_CATALOGUE[type] as EventDefinition;
}

function versionsOf(type: EventType): number[] {
  return Object.keys(definitionOf(type).payloads)
    .map(Number)
    .sort((a, b) => a - b);
}

function envelopeSchema(): JsonSchema {
  const json = jsonSchemaOf(eventEnvelopeSchema);
  for (const [field, description] of Object.entries(ENVELOPE_FIELDS)) {
    json.properties[field] = { description, ...json.properties[field] };
  }
  return { description: 'What travels for every integration event.', ...json };
}

function message(type: EventType, version: number) {
  const event = definitionOf(type);
  return {
    name: type,
    title: `${type} v${version}`,
    summary: event.summary,
    contentType: 'application/json',
    correlationId: {
      description: 'the request that caused the event',
      location: '$message.payload#/request_id',
    },
    payload: {
      allOf: [
        ref('components/schemas/EventEnvelope'),
        {
          type: 'object',
          properties: {
            type: { const: type },
            version: { const: version },
            producer: { const: event.producer },
            payload: ref(`components/schemas/${pointer(messageKey(type, version))}`),
          },
        },
      ],
    },
  };
}

function channel(type: EventType) {
  const event = definitionOf(type);
  const consumers = consumersOf(type);
  return {
    address: type,
    title: type,
    summary: event.summary,
    description: consumers.length
      ? `Produced by **${event.producer}**; consumed by ${consumers.map((c) => `**${c}**`).join(', ')}. ` +
        `Over RabbitMQ: routing key \`${type}\` on the topic exchange \`${EXCHANGE}\`, routed to ` +
        `${consumers.map((c) => `\`${queueOf(c)}\``).join(', ')}. Over HTTP push: ` +
        `\`POST ${INTERNAL_EVENTS_PATH}\` of each consumer.`
      : `Produced by **${event.producer}**; no consumer yet (published on the exchange \`${EXCHANGE}\` ` +
        `with routing key \`${type}\`, which no queue is bound to).`,
    messages: Object.fromEntries(
      versionsOf(type).map((v) => [
        messageKey(type, v),
        ref(`components/messages/${pointer(messageKey(type, v))}`),
      ]),
    ),
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: { name: EXCHANGE, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
        bindingVersion: '0.3.0',
      },
    },
  };
}

const channelMessage = (type: EventType, version: number) =>
  ref(`channels/${pointer(type)}/messages/${pointer(messageKey(type, version))}`);

function operations() {
  const entries: Array<[string, unknown]> = [];
  for (const type of EVENT_TYPES) {
    const event = definitionOf(type);
    entries.push([
      `${event.producer}.send.${type}`,
      {
        action: 'send',
        channel: ref(`channels/${pointer(type)}`),
        title: `${event.producer} sends ${type}`,
        summary: event.summary,
        description:
          `Written to the ${event.producer} service's outbox in the transaction of the change; ` +
          'the relay publishes it (marked sent after the publisher confirm) or POSTs it to ' +
          'each consumer, retrying until acknowledged.',
        messages: [channelMessage(type, event.version)],
        tags: [{ name: event.producer }],
        bindings: {
          amqp: { deliveryMode: 2, bindingVersion: '0.3.0' },
          http: { method: 'POST', bindingVersion: '0.3.0' },
        },
      },
    ]);
    for (const [consumer, what] of Object.entries(event.consumers) as [EventParty, string][]) {
      entries.push([
        `${consumer}.receive.${type}`,
        {
          action: 'receive',
          channel: ref(`channels/${pointer(type)}`),
          title: `${consumer} receives ${type}`,
          summary: what,
          description:
            `The ${consumer} service ${what}. Over RabbitMQ it reads its quorum queue ` +
            `\`${queueOf(consumer)}\` (bound to \`${type}\`) and acknowledges after its ` +
            'transaction (effect and inbox row) commits; over HTTP push it answers 2xx then.',
          messages: versionsOf(type).map((v) => channelMessage(type, v)),
          tags: [{ name: consumer }],
          bindings: {
            amqp: {
              ack: true,
              bindingVersion: '0.3.0',
              // the AMQP binding names no queue on an operation: the consumer's queue, here
              'x-queue': { name: queueOf(consumer), type: 'quorum', durable: true },
            },
          },
        },
      ]);
    }
  }
  return Object.fromEntries(entries);
}

export interface ServicePort {
  name: string;
  port: number;
}

/** The AsyncAPI 3.0 document of the integration events, as a plain object. */
export function asyncApiDocument(version: string, ports: ServicePort[]) {
  const consuming = ports
    .filter(({ name }) => EVENT_TYPES.some((t) => consumersOf(t).includes(name as EventParty)))
    .sort((a, b) => a.port - b.port);
  const schemas: Record<string, JsonSchema> = { EventEnvelope: envelopeSchema() };
  const messages: Record<string, unknown> = {};
  for (const type of EVENT_TYPES) {
    for (const v of versionsOf(type)) {
      schemas[messageKey(type, v)] = {
        description: `The payload of ${type} v${v}.`,
        ...jsonSchemaOf(definitionOf(type).payloads[v]),
      };
      messages[messageKey(type, v)] = message(type, v);
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'nest-commerce integration events',
      version,
      description: [
        'The integration events of the seven services, generated from the event catalogue',
        '(`libs/contracts/src/events`) by `npm run docs:events`; do not edit by hand.',
        '',
        'An event states a fact in its producer’s words; each consumer decides what it means',
        'for its own state. Every message is an envelope (id, type, version, producer,',
        'subject, request id, trace context) around a versioned payload. Two transports carry',
        'the same envelope:',
        '',
        `- **RabbitMQ** (when \`AMQP_URL\` is set): published to the topic exchange \`${EXCHANGE}\``,
        '  with the event type as routing key; each consuming service reads one durable quorum',
        '  queue `<service>.events` bound to the types it consumes.',
        `- **HTTP push** (the default without \`AMQP_URL\`): the producer's relay POSTs it to`,
        `  \`${INTERNAL_EVENTS_PATH}\` of each consuming service.`,
        '',
        'Delivery is at least once on both: consumers are idempotent (an inbox keyed by',
        'consumer and event id) and tolerate reordering.',
      ].join('\n'),
      license: { name: 'MIT' },
      tags: ports.map(({ name }) => ({ name, description: `the ${name} service` })),
    },
    defaultContentType: 'application/json',
    servers: {
      rabbitmq: {
        host: 'localhost:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        title: 'RabbitMQ',
        description: `The broker when \`AMQP_URL\` is set (topic exchange \`${EXCHANGE}\`).`,
      },
      http: {
        host: 'localhost:{port}',
        pathname: INTERNAL_EVENTS_PATH,
        protocol: 'http',
        title: 'HTTP push',
        description:
          'Each consuming service, when `AMQP_URL` is unset: the producer’s relay POSTs the ' +
          'envelope and retries until a 2xx.',
        variables: {
          port: {
            enum: consuming.map(({ port }) => String(port)),
            default: String(consuming[0].port),
            description: consuming.map(({ name, port }) => `${port}: ${name}`).join(', '),
          },
        },
      },
    },
    channels: Object.fromEntries(EVENT_TYPES.map((type) => [type, channel(type)])),
    operations: operations(),
    components: { schemas, messages },
  };
}
