import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { TcpProxy, captureLogs, eventually } from '@app/testing';
import { MemoryOutboxRelay } from '../src';
import { EventsFixturePair, startEventsFixturePair } from './events-fixture-pair';
import { NEVER_APPLIES_CODE } from './events-fixture.module';
import {
  MemoryOutboxRig,
  memoryOutboxCases,
  memoryPairOptions,
  producerEnvOf,
} from './memory-outbox-cases';

describe('the in-memory outbox over HTTP push (a producer without a database, a real consumer on PostgreSQL)', () => {
  let rig: MemoryOutboxRig;

  beforeAll(async () => {
    let proxy!: TcpProxy;
    const options = {
      ...memoryPairOptions('memory_outbox', {}, {}),
      pushOverHttp: true,
      // the producer reaches the consumer through a proxy the tests cut
      consumerUrl: async (url: string) => {
        proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(url).port) });
        return proxy.rewrite(url).replace(/\/$/, '');
      },
    };
    const pair: EventsFixturePair = await startEventsFixturePair(options);
    rig = {
      pair,
      proxy,
      producerEnv: (extra = {}) =>
        producerEnvOf(pair, options, { ...extra, ORDER_SERVICE_URL: pair.consumerUrl! }),
      close: async () => {
        await pair.close();
        await proxy.stop();
      },
    };
  });

  afterAll(() => rig?.close());

  memoryOutboxCases(() => rig, 'HTTP push');

  it('drops, with an error line, an event its consumer refuses for good (422); the next of the subject goes on', async () => {
    const orderId = randomUUID();
    const logs = captureLogs();
    try {
      await request(rig.pair.producer.getHttpServer())
        .post('/api/v1/fixture/validated')
        .send({
          order_id: orderId,
          valid: false,
          code: NEVER_APPLIES_CODE,
          validated_at: new Date().toISOString(),
        })
        .expect(200);
      await request(rig.pair.producer.getHttpServer())
        .post('/api/v1/fixture/validated')
        .send({ order_id: orderId, valid: true, validated_at: new Date().toISOString() })
        .expect(200);
      await eventually(
        async () => {
          const applied = (await rig.pair.appliedInOrder()).filter((e) => e.subject === orderId);
          expect(applied).toHaveLength(1);
        },
        10_000,
        'the second event applied',
      );
      await eventually(
        () => expect(rig.pair.producer.get(MemoryOutboxRelay).waiting).toBe(0),
        5000,
        'nothing held',
      );
    } finally {
      logs.restore();
    }
    const dropped = logs
      .lines()
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; reason?: string; attempts?: number })
      .filter((line) => line.msg?.startsWith('in-memory outbox: event refused for good'));
    expect(dropped).toEqual([expect.objectContaining({ reason: 'HTTP 422', attempts: 1 })]);
    await sleep(200);
    expect((await rig.pair.appliedInOrder()).filter((e) => e.subject === orderId)).toHaveLength(1);
  });
});
