import { Client } from 'pg';
import { adminUrl, eventually } from '@app/testing';
import { SimulatedPaymentGateway } from '../src/infrastructure/gateways/simulated.payment-gateway';
import { CARDS, PaymentTestApp, card, startPaymentTestApp } from './payment-test-app';

/**
 * The payment reconciliation job runs one replica at a time (ReplicaLocks): while another
 * replica holds its lock (here a plain connection to payment_db takes it, as that replica's
 * pass would), this one's periodic passes skip; once the holder is gone (its connection
 * terminated, as when its process dies), the next pass settles what waits.
 */
describe('payment reconciliation: one replica at a time (real PostgreSQL)', () => {
  let t: PaymentTestApp;
  let holder: Client;

  beforeAll(async () => {
    t = await startPaymentTestApp({
      // the job itself, every 100 ms, for payments of any age
      paymentEnv: { PAYMENT_RECONCILE_INTERVAL_MS: '100', PAYMENT_RECONCILE_MIN_AGE_MS: '0' },
    });
  });
  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await t?.close();
  });

  const statusOf = async (id: string) =>
    (await t.query<{ status: string }>('SELECT status FROM payments WHERE id = $1', [id]))[0]
      .status;

  it('skips while another replica holds the pass; settles once that holder dies', async () => {
    holder = new Client({ connectionString: t.paymentDb.url });
    await holder.connect();
    // the job's own pass (every 100 ms) holds the lock for a moment: try until the holder has it
    const { pid } = await eventually(
      'the holder took the lock',
      async () =>
        (
          await holder.query<{ pid: number; locked: boolean }>(
            `SELECT pg_backend_pid() AS pid,
                    pg_try_advisory_lock(hashtext('payment:reconciliation')::bigint) AS locked`,
          )
        ).rows[0],
      (row) => row.locked,
    );
    holder.on('error', () => undefined);

    const alice = await t.customer();
    const order = await t.placeOrder(alice, 21.5, 1);
    const pending = await t.pay(order, { card: card(CARDS.timeout) }).expect(202);
    expect(pending.body.status).toBe('pendiente');

    // ten passes' worth of time: every one skipped (the charge went through, its answer did not)
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await statusOf(pending.body.id)).toBe('pendiente');
    const simulator = t.gateway<SimulatedPaymentGateway>();
    expect(await simulator.capturedFor(pending.body.id)).toBe(1);

    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    await eventually(
      async () => expect(await statusOf(pending.body.id)).toBe('aprobado'),
      10_000,
      'settled by the job once the lock is free',
    );
    // settled by looking the charge up: charged once
    expect(await simulator.capturedFor(pending.body.id)).toBe(1);
  });
});
