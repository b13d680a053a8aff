import { captureLogs } from '@app/testing';
import {
  CARDS,
  Customer,
  PaymentTestApp,
  bearer,
  card,
  startPaymentTestApp,
} from './payment-test-app';

// Card numbers and CVCs that must appear nowhere: not in a row, a response or a log line.
const SECRETS = [
  { number: CARDS.mastercard, cvc: '9071' },
  { number: CARDS.declined, cvc: '8123' },
  { number: CARDS.timeout, cvc: '6042' },
  { number: '4242424242424241', cvc: '5307' }, // fails the Luhn check: a 400
];

function expectNoCardData(text: string): void {
  for (const secret of SECRETS) {
    expect(text).not.toContain(secret.number);
    // a CVC is short: look for it as a value, and for any field that could carry one
    expect(text).not.toContain(`"${secret.cvc}"`);
  }
  expect(text).not.toMatch(/"(cvc|cvv|security_code|card_number|number)"\s*:/i);
  // a card number split by spaces or dashes is still a card number
  expect(text).not.toMatch(/5555[\s-]?5555[\s-]?5555[\s-]?4444/);
}

describe('card numbers and CVCs are never stored, answered or logged (e2e)', () => {
  let t: PaymentTestApp;
  let alice: Customer;
  const bodies: unknown[] = [];

  beforeAll(async () => {
    t = await startPaymentTestApp({ logLevel: 'trace' });
    alice = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('through approvals, declines, a timeout, reconciliation, a refund and a validation error', async () => {
    const logs = captureLogs();
    try {
      const approvedOrder = await t.placeOrder(alice, 11, 1);
      const approved = await t
        .pay(approvedOrder, { card: card(SECRETS[0].number, SECRETS[0].cvc) }, { key: 'k-1' })
        .expect(201);
      bodies.push(approved.body);
      bodies.push((await t.pay(approvedOrder, {}, { key: 'k-1' })).body);

      const declinedOrder = await t.placeOrder(alice, 12, 1);
      const declined = await t
        .pay(declinedOrder, { card: card(SECRETS[1].number, SECRETS[1].cvc) })
        .expect(201);
      bodies.push(declined.body);

      const timeoutOrder = await t.placeOrder(alice, 13, 1);
      const pending = await t
        .pay(timeoutOrder, {
          payment_method: 'debit_card',
          card: { ...card(SECRETS[2].number, SECRETS[2].cvc), number: '4000 0000 0000 0119' },
        })
        .expect(202);
      bodies.push(pending.body);
      await t.reconcile({ minAgeMs: 0 });

      const invalid = await t
        .pay(declinedOrder, { card: card(SECRETS[3].number, SECRETS[3].cvc) })
        .expect(400);
      bodies.push(invalid.body);

      bodies.push(
        (
          await t
            .http()
            .post(`/api/v1/payments/${approved.body.id}/refund`)
            .set(bearer(t.adminToken))
            .expect(200)
        ).body,
      );
      bodies.push(
        (await t.http().get('/api/v1/payments').set(bearer(alice.token)).expect(200)).body,
      );
      await t.drainPayment();
    } finally {
      logs.restore();
    }

    // the logs were really captured, at debug/trace level, with the payment requests in them
    const text = logs.text();
    expect(text).toContain('/api/v1/payments/process');
    expect(logs.lines().length).toBeGreaterThan(10);
    expectNoCardData(text);

    expectNoCardData(JSON.stringify(bodies));
    expect(JSON.stringify(bodies)).toContain('"card_last4":"4444"');

    const rows = {
      payments: await t.query('SELECT * FROM payments'),
      idempotency_keys: await t.query('SELECT * FROM idempotency_keys'),
      outbox_messages: await t.query('SELECT * FROM outbox_messages'),
      inbox_messages: await t.query('SELECT * FROM inbox_messages'),
    };
    expect(rows.payments.length).toBeGreaterThanOrEqual(3);
    expectNoCardData(JSON.stringify(rows));
    expect(rows.payments.map((p) => p.card_last4).sort()).toEqual(['0002', '0119', '4444']);
  });
});
