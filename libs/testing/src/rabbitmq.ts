import amqplib from 'amqplib';

/** The machine's RabbitMQ (CI runs one on the same machine); AMQP_TEST_URL overrides it. */
export const AMQP_TEST_URL = process.env.AMQP_TEST_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Fails (never skips) when no broker answers: the suites that call it are about the real one. */
export async function requireBroker(url: string = AMQP_TEST_URL): Promise<void> {
  try {
    const connection = await amqplib.connect(url, { timeout: 3000 });
    await connection.close();
  } catch (error) {
    throw new Error(`RabbitMQ is not reachable at ${new URL(url).host} (set AMQP_TEST_URL)`, {
      cause: error,
    });
  }
}
