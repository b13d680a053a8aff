import { Logger, type LoggerService } from '@nestjs/common';
import amqplib from 'amqplib';
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@app/contracts';
import { AMQP_TEST_URL } from '@app/testing';
import { AmqpEventBroker, AmqpEventBrokerOptions, AmqpSettings, loadAmqpSettings } from '../src';

// the platform suites import it from here, as before it moved to @app/testing
export { eventually } from '@app/testing';
import { exchangeName, serviceQueues } from '../src/events/amqp/amqp-topology';

// the machine's RabbitMQ and the check that it answers live in @app/testing (the whole-flow
// broker outage suite uses them too)
export { AMQP_TEST_URL, requireBroker } from '@app/testing';

/** Names of this run's exchange and queues start with it; `cleanUp` deletes them. */
export function testPrefix(): string {
  return `test-${randomBytes(4).toString('hex')}.`;
}

export function amqpSettings(overrides: Record<string, string> = {}): AmqpSettings {
  return loadAmqpSettings({
    AMQP_URL: AMQP_TEST_URL,
    AMQP_RETRY_DELAY_MS: '200',
    AMQP_MAX_ATTEMPTS: '3',
    AMQP_PUBLISH_TIMEOUT_MS: '3000',
    AMQP_PREFETCH: '8',
    ...overrides,
  });
}

export function startBroker(
  prefix: string,
  overrides: Record<string, string> = {},
  options: AmqpEventBrokerOptions = {},
): AmqpEventBroker {
  return new AmqpEventBroker(amqpSettings(overrides), { prefix, ...options });
}

export function envelope(type: string, payload: Record<string, unknown> = {}): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurred_at: new Date().toISOString(),
    producer: 'order',
    subject: randomUUID(),
    request_id: `req-${randomBytes(6).toString('hex')}`,
    traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
    payload,
  };
}

/** Deletes the exchange and the services' queues of a test run. */
export async function cleanUp(prefix: string, services: string[]): Promise<void> {
  const connection = await amqplib.connect(AMQP_TEST_URL);
  try {
    const channel = await connection.createChannel();
    for (const service of services) {
      const queues = serviceQueues(service, prefix);
      for (const queue of [queues.main, queues.retry, queues.dead])
        await channel.deleteQueue(queue);
    }
    await channel.deleteExchange(exchangeName(prefix));
  } finally {
    await connection.close();
  }
}

/** Messages a queue holds that no consumer holds (ready), read with a passive declare. */
export async function readyCount(queue: string): Promise<number> {
  const connection = await amqplib.connect(AMQP_TEST_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

/** Every Nest log call while installed, as JSON of its arguments (to search for leaks). */
export function collectLogs(): { text(): string; restore(): void } {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      lines.push(`${level} ${JSON.stringify(args)}`);
  const logger: LoggerService = {
    log: record('info'),
    warn: record('warn'),
    error: record('error'),
    debug: record('debug'),
    verbose: record('verbose'),
    fatal: record('fatal'),
  };
  Logger.overrideLogger(logger);
  return {
    text: () => lines.join('\n'),
    restore: () => Logger.overrideLogger(['log', 'warn', 'error']),
  };
}
