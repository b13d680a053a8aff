import type { Message, MessageProperties, Options } from 'amqplib';
import { createHash, randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@app/contracts';
import type { DeadLetter } from '../event-broker';

/** Headers this transport writes; `x-` so that they never clash with the producer's. */
export const HEADER = {
  requestId: 'x-request-id',
  traceparent: 'traceparent',
  /** failed handlings so far */
  attempts: 'x-attempts',
  /** why the last handling failed, or why the message was dead-lettered */
  reason: 'x-reason',
  deadLetteredAt: 'x-dead-lettered-at',
  /** a handle unique to one dead-lettering, to re-drive exactly that message */
  deadLetterId: 'x-dead-letter-id',
} as const;

/** Headers RabbitMQ adds on dead-lettering and redelivery: not carried into a republished copy. */
const BROKER_HEADERS = /^x-(death|first-death-|last-death-|delivery-count)/;

const REASON_MAX = 200;

/** The properties of a published event: persistent JSON, identified by the event's id. */
export function publishOptions(envelope: EventEnvelope): Options.Publish {
  const headers: Record<string, string> = {};
  if (envelope.request_id) headers[HEADER.requestId] = envelope.request_id;
  if (envelope.traceparent) headers[HEADER.traceparent] = envelope.traceparent;
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: envelope.id,
    type: envelope.type,
    timestamp: Math.floor(Date.parse(envelope.occurred_at) / 1000),
    headers,
  };
}

/** The message body as JSON, or the raw text when it is not JSON (the handler rejects it). */
export function bodyOf(message: Message): unknown {
  const text = message.content.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function attemptsOf(message: Message): number {
  const value = Number(message.properties.headers?.[HEADER.attempts] ?? 0);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

/** A short reason for a failed handling: the error's class and first line, never a payload. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'handler threw a non-error value';
  const firstLine = error.message.split('\n', 1)[0];
  return `${error.constructor.name}: ${firstLine}`.slice(0, REASON_MAX);
}

/** The event type a message carries: its `type` property, else the routing key it came by. */
function typeOf(message: Message, exchange: string): string | undefined {
  if (message.properties.type) return String(message.properties.type);
  return message.fields.exchange === exchange ? message.fields.routingKey : undefined;
}

/** The same message, to be published again with `headers` set (and the broker's removed). */
export function republishOptions(
  message: Message,
  exchange: string,
  headers: Record<string, unknown>,
): Options.Publish {
  const props: MessageProperties = message.properties;
  const kept = Object.fromEntries(
    Object.entries(props.headers ?? {}).filter(([name]) => !BROKER_HEADERS.test(name)),
  );
  const merged = { ...kept, ...headers };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return {
    persistent: true,
    contentType: props.contentType as string | undefined,
    messageId: props.messageId as string | undefined,
    type: typeOf(message, exchange),
    timestamp: props.timestamp as number | undefined,
    headers: merged,
  };
}

/** Headers of a message going to the dead-letter queue. */
export function deadHeaders(attempts: number, reason: string): Record<string, unknown> {
  return {
    [HEADER.attempts]: attempts,
    [HEADER.reason]: reason.slice(0, REASON_MAX),
    [HEADER.deadLetteredAt]: new Date().toISOString(),
    [HEADER.deadLetterId]: randomUUID(),
  };
}

interface XDeath {
  reason?: string;
  time?: { value?: number } | number;
  count?: number;
}

/**
 * The handle of a dead-lettered message: ours when this transport dead-lettered it; for one
 * RabbitMQ dead-lettered itself (the poison limit), its event id, else a digest of its body.
 */
export function deadLetterIdOf(message: Message): string {
  const ours = message.properties.headers?.[HEADER.deadLetterId];
  if (typeof ours === 'string') return ours;
  if (message.properties.messageId) return `event:${String(message.properties.messageId)}`;
  return `sha256:${createHash('sha256').update(message.content).digest('hex').slice(0, 32)}`;
}

/** How the admin endpoint shows a message of a dead-letter queue. */
export function deadLetterOf(message: Message): DeadLetter {
  const headers = message.properties.headers ?? {};
  const death = (headers['x-death'] as XDeath[] | undefined)?.[0];
  const deathTime = typeof death?.time === 'object' ? death.time.value : death?.time;
  const reason =
    typeof headers[HEADER.reason] === 'string'
      ? (headers[HEADER.reason] as string)
      : death?.reason === 'delivery_limit'
        ? 'delivery limit reached: its consumer kept failing while holding it'
        : `dead-lettered by the broker (${death?.reason ?? 'unknown'})`;
  const at =
    typeof headers[HEADER.deadLetteredAt] === 'string'
      ? (headers[HEADER.deadLetteredAt] as string)
      : new Date((deathTime ?? Date.now() / 1000) * 1000).toISOString();
  return {
    id: deadLetterIdOf(message),
    event_id: message.properties.messageId ? String(message.properties.messageId) : null,
    type: message.properties.type ? String(message.properties.type) : null,
    reason,
    attempts: attemptsOf(message) || Number(headers['x-delivery-count'] ?? death?.count ?? 0),
    dead_lettered_at: at,
  };
}
