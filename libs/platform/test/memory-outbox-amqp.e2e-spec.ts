import { TcpProxy } from '@app/testing';
import { AMQP_TEST_URL, cleanUp, requireBroker, testPrefix } from './amqp-support';
import { startEventsFixturePair } from './events-fixture-pair';
import {
  MemoryOutboxRig,
  memoryOutboxCases,
  memoryPairOptions,
  producerEnvOf,
} from './memory-outbox-cases';

describe('the in-memory outbox through RabbitMQ (a producer without a database, a real broker and consumer)', () => {
  let rig: MemoryOutboxRig;
  const prefix = testPrefix();

  beforeAll(async () => {
    await requireBroker();
    const broker = new URL(AMQP_TEST_URL);
    // the producer reaches the broker through a proxy the tests cut; the consumer directly
    const proxy = await TcpProxy.start({
      host: broker.hostname,
      port: Number(broker.port || 5672),
    });
    const options = memoryPairOptions(
      'memory_outbox_amqp',
      {
        AMQP_URL: AMQP_TEST_URL,
        AMQP_NAME_PREFIX: prefix,
        AMQP_RETRY_DELAY_MS: '50',
        // one delivery at a time: the consumer applies them in the queue's order
        AMQP_PREFETCH: '1',
      },
      // a publish the broker does not confirm in time fails, and is tried again
      { AMQP_URL: proxy.rewrite(AMQP_TEST_URL), AMQP_PUBLISH_TIMEOUT_MS: '500' },
    );
    const pair = await startEventsFixturePair(options);
    rig = {
      pair,
      proxy,
      producerEnv: (extra = {}) => producerEnvOf(pair, options, extra),
      close: async () => {
        await pair.close();
        await proxy.stop();
      },
    };
  });

  afterAll(async () => {
    await rig?.close();
    await cleanUp(prefix, ['order', 'product', 'payment', 'delivery']);
  });

  memoryOutboxCases(() => rig, 'RabbitMQ');
});
