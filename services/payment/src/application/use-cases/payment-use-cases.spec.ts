import {
  IdempotencyClaim,
  IdempotencyScope,
  IdempotencyStore,
  Money,
  StoredOutcome,
  UnitOfWork,
  UnitOfWorkInterrupted,
} from '@app/kernel';
import { PayableOrder } from '../../domain/entities/payable-order';
import { Payment } from '../../domain/entities/payment';
import { CHARGE_HOLDING_STATUSES } from '../../domain/entities/payment-status';
import {
  OrderAlreadyPaid,
  OrderNotFound,
  OrderNotPayable,
  PaymentInProgress,
} from '../../domain/errors/payment.errors';
import { CancelledOrders } from '../../domain/repositories/cancelled-orders.repository';
import {
  InsertResult,
  PaymentListCriteria,
  PaymentPage,
  PaymentRepository,
} from '../../domain/repositories/payment.repository';
import {
  GatewayUnavailable,
  PaymentMethodNotSupported,
  RefundRefused,
} from '../errors/payment-request.errors';
import { PaymentSettings } from '../payment-settings';
import { OrderDirectory } from '../ports/order-directory.port';
import {
  ChargeRequest,
  GatewayOutcome,
  LookupOutcome,
  PaymentGateway,
  RefundOutcome,
} from '../ports/payment-gateway.port';
import { PaymentOutbox } from '../ports/payment-outbox.port';
import { PaymentSettlement } from './payment-settlement';
import { ProcessPaymentCommand, ProcessPaymentUseCase } from './process-payment.use-case';
import { ReconcilePendingPaymentsUseCase } from './reconcile-pending-payments.use-case';
import { RefundOrderPaymentUseCase } from './refund-order-payment.use-case';
import { GatewayRefunds } from './refund-payment.use-case';

// In-memory fakes of the ports: the use cases' rules without Nest, HTTP or PostgreSQL.

class InlineUnitOfWork extends UnitOfWork {
  /** the next runs lose their connection: before the work, or during the commit (it landed) */
  interruptions: Array<'before' | 'at-commit'> = [];
  /** every run loses its connection before the work (the database is down) */
  down = false;
  async run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.down ? 'before' : this.interruptions.shift();
    if (next === 'before') throw new UnitOfWorkInterrupted(false);
    const result = await work();
    if (next === 'at-commit') throw new UnitOfWorkInterrupted(true);
    return result;
  }
}

/** A copy, as a database row is: what the caller does to its object afterwards is not stored. */
function stored(payment: Payment): Payment {
  const { state } = payment as unknown as { state: object };
  return Object.assign(Object.create(Payment.prototype) as Payment, { state: { ...state } });
}

class InMemoryPayments extends PaymentRepository {
  readonly rows = new Map<string, Payment>();
  async insertIfOrderFree(payment: Payment): Promise<InsertResult> {
    const holder = [...this.rows.values()].find(
      (p) => p.orderId === payment.orderId && CHARGE_HOLDING_STATUSES.includes(p.status),
    );
    if (holder) return { inserted: false, holder: { id: holder.id, status: holder.status } };
    this.rows.set(payment.id, stored(payment));
    return { inserted: true };
  }
  async save(payment: Payment): Promise<void> {
    this.rows.set(payment.id, payment);
  }
  async findById(id: string): Promise<Payment | null> {
    return this.rows.get(id) ?? null;
  }
  findByIdForUpdate(id: string): Promise<Payment | null> {
    return this.findById(id);
  }
  async findChargeOfOrder(orderId: string): Promise<Payment | null> {
    return (
      [...this.rows.values()].find(
        (p) => p.orderId === orderId && CHARGE_HOLDING_STATUSES.includes(p.status),
      ) ?? null
    );
  }
  async list(_criteria: PaymentListCriteria): Promise<PaymentPage> {
    return { items: [...this.rows.values()], total: this.rows.size };
  }
  async findPendingCreatedBefore(cutoff: Date): Promise<Payment[]> {
    return [...this.rows.values()].filter((p) => p.isPending() && p.createdAt <= cutoff);
  }
}

class ScriptedGateway extends PaymentGateway {
  name = 'fake';
  next: GatewayOutcome | Error = { kind: 'approved', reference: 'ch_1' };
  lookupAnswer: LookupOutcome = { kind: 'not_found' };
  refundAnswer: RefundOutcome = { kind: 'refunded', reference: 're_1' };
  charges: ChargeRequest[] = [];
  refunds = 0;
  supports(method: string): boolean {
    return method !== 'paypal';
  }
  async charge(request: ChargeRequest): Promise<GatewayOutcome> {
    this.charges.push(request);
    if (this.next instanceof Error) throw this.next;
    return this.next;
  }
  async lookup(): Promise<LookupOutcome> {
    return this.lookupAnswer;
  }
  async refund(): Promise<RefundOutcome> {
    this.refunds += 1;
    return this.refundAnswer;
  }
}

class FixedOrders extends OrderDirectory {
  order: PayableOrder | null = {
    id: 'order-1',
    userId: 'alice',
    total: Money.ofCents(1000),
    cancelled: false,
  };
  async findForCaller(): Promise<PayableOrder | null> {
    return this.order;
  }
}

class RecordingOutbox extends PaymentOutbox {
  messages: string[] = [];
  async paymentApproved(payment: Payment): Promise<void> {
    this.messages.push(`approved:${payment.id}`);
  }
  async paymentDeclined(payment: Payment): Promise<void> {
    this.messages.push(`declined:${payment.id}`);
  }
  async paymentRefunded(payment: Payment): Promise<void> {
    this.messages.push(`refunded:${payment.id}`);
  }
}

class NoKeys extends IdempotencyStore {
  async claim(_scope: IdempotencyScope): Promise<IdempotencyClaim> {
    return { kind: 'acquired', token: 't' };
  }
  async complete(_scope: IdempotencyScope, _token: string, _o: StoredOutcome): Promise<boolean> {
    return true;
  }
  async abandon(): Promise<void> {}
}

class MemoryCancelledOrders extends CancelledOrders {
  readonly orders = new Set<string>();
  async record(orderId: string): Promise<void> {
    this.orders.add(orderId);
  }
  async isCancelled(orderId: string): Promise<boolean> {
    return this.orders.has(orderId);
  }
}

function setup() {
  const payments = new InMemoryPayments();
  const gateway = new ScriptedGateway();
  const orders = new FixedOrders();
  const outbox = new RecordingOutbox();
  const uow = new InlineUnitOfWork();
  const cancelled = new MemoryCancelledOrders();
  const settings = new PaymentSettings('eur', 60_000, 30 * 60_000, 50, 600);
  const settlement = new PaymentSettlement(uow, payments, outbox);
  const process = new ProcessPaymentUseCase(
    orders,
    payments,
    gateway,
    settlement,
    new NoKeys(),
    settings,
    cancelled,
  );
  const reconcile = new ReconcilePendingPaymentsUseCase(payments, gateway, settlement, settings);
  const refundOrder = new RefundOrderPaymentUseCase(
    payments,
    new GatewayRefunds(gateway),
    settlement,
    cancelled,
  );
  const command = (change: Partial<ProcessPaymentCommand> = {}): ProcessPaymentCommand => ({
    requester: { id: 'alice', isAdmin: false },
    userToken: 'token',
    orderId: 'order-1',
    amount: Money.ofCents(1000),
    method: 'credit_card',
    card: { number: '4242424242424242', expMonth: 1, expYear: 2099, cvc: '123' },
    present: () => ({ status: 201, body: {} }),
    ...change,
  });
  const pay = async (change: Partial<ProcessPaymentCommand> = {}) => {
    const result = await process.execute(command(change));
    if (result.kind !== 'processed') throw new Error('expected a processed payment');
    return result.payment;
  };
  return { payments, gateway, orders, outbox, uow, pay, reconcile, refundOrder };
}

describe('ProcessPaymentUseCase', () => {
  it('approved: aprobado, payment.approved written with it, the payment id as the gateway key', async () => {
    const s = setup();
    const payment = await s.pay();
    expect(payment.status).toBe('aprobado');
    expect(s.outbox.messages).toEqual([`approved:${payment.id}`]);
    expect(s.gateway.charges[0].idempotencyKey).toBe(payment.id);
    expect(payment.card).toEqual({ last4: '4242', brand: 'visa' });
  });

  it('declined: rechazado with the reason, payment.declined; the order can be paid again', async () => {
    const s = setup();
    s.gateway.next = { kind: 'declined', reason: 'card_declined', reference: 'ch_x' };
    const declined = await s.pay();
    expect([declined.status, declined.failureReason]).toEqual(['rechazado', 'card_declined']);
    expect(s.outbox.messages).toEqual([`declined:${declined.id}`]);
    s.gateway.next = { kind: 'approved', reference: 'ch_2' };
    expect((await s.pay()).status).toBe('aprobado');
  });

  it('no answer, or an adapter failing: pendiente, no message, and the order is held (409)', async () => {
    const s = setup();
    s.gateway.next = { kind: 'unknown', reference: null };
    const pending = await s.pay();
    expect(pending.status).toBe('pendiente');
    expect(s.outbox.messages).toEqual([]);
    await expect(s.pay()).rejects.toBeInstanceOf(PaymentInProgress);

    const t = setup();
    t.gateway.next = new Error('adapter bug');
    expect((await t.pay()).status).toBe('pendiente');
  });

  it('an approved payment holds the order: 409 order-already-paid', async () => {
    const s = setup();
    await s.pay();
    await expect(s.pay()).rejects.toBeInstanceOf(OrderAlreadyPaid);
    expect(s.gateway.charges).toHaveLength(1);
  });

  it('a database blip while recording an approval: recorded once it is back, answered aprobado', async () => {
    const s = setup();
    s.uow.interruptions = ['before', 'at-commit']; // the second attempt landed, its answer lost
    const payment = await s.pay();
    expect(payment.status).toBe('aprobado');
    expect((await s.payments.findById(payment.id))?.status).toBe('aprobado');
    expect(s.outbox.messages).toEqual([`approved:${payment.id}`]); // once
    expect(s.gateway.charges).toHaveLength(1);
  });

  it('the database unreachable for longer than the retries: the approval is answered all the same, and reconciliation records it', async () => {
    const s = setup();
    s.uow.down = true;
    const payment = await s.pay();
    expect(payment.status).toBe('aprobado');
    expect(payment.gatewayReference).toBe('ch_1');
    expect((await s.payments.findById(payment.id))?.status).toBe('pendiente');
    expect(s.outbox.messages).toEqual([]);
    s.uow.down = false;
    s.gateway.lookupAnswer = { kind: 'approved', reference: 'ch_1' };
    await s.reconcile.execute({ minAgeMs: 0 });
    expect((await s.payments.findById(payment.id))?.status).toBe('aprobado');
    expect(s.outbox.messages).toEqual([`approved:${payment.id}`]);
  });

  it('refuses an unsupported method before anything else, and an order it cannot see', async () => {
    const s = setup();
    await expect(s.pay({ method: 'paypal', card: null })).rejects.toBeInstanceOf(
      PaymentMethodNotSupported,
    );
    s.orders.order = null;
    await expect(s.pay()).rejects.toBeInstanceOf(OrderNotFound);
    expect(s.gateway.charges).toHaveLength(0);
  });
});

describe('ReconcilePendingPaymentsUseCase', () => {
  async function pendingPayment(s: ReturnType<typeof setup>): Promise<Payment> {
    s.gateway.next = { kind: 'unknown', reference: null };
    return s.pay();
  }

  it('applies what the gateway knows: approved (with the message) or declined', async () => {
    const s = setup();
    const payment = await pendingPayment(s);
    s.gateway.lookupAnswer = { kind: 'approved', reference: 'ch_late' };
    expect(await s.reconcile.execute({ minAgeMs: 0 })).toMatchObject({ approved: 1 });
    expect(s.payments.rows.get(payment.id)?.gatewayReference).toBe('ch_late');
    expect(s.outbox.messages).toEqual([`approved:${payment.id}`]);
  });

  it('leaves young payments alone', async () => {
    const s = setup();
    await pendingPayment(s);
    expect(await s.reconcile.execute()).toMatchObject({ examined: 0 });
  });

  it('no charge at the gateway: pending until it expires, then declined', async () => {
    const s = setup();
    const payment = await pendingPayment(s);
    s.gateway.lookupAnswer = { kind: 'not_found' };
    expect(await s.reconcile.execute({ minAgeMs: 0 })).toMatchObject({ stillPending: 1 });
    const later = new Date(Date.now() + 31 * 60_000);
    expect(await s.reconcile.execute({ now: later })).toMatchObject({ declined: 1 });
    expect(s.payments.rows.get(payment.id)?.failureReason).toBe('gateway_has_no_charge');
    expect(s.outbox.messages).toEqual([`declined:${payment.id}`]);
  });

  it('a buyer who never approves: declined when it expires', async () => {
    const s = setup();
    const payment = await pendingPayment(s);
    s.gateway.lookupAnswer = { kind: 'awaiting_payer', reference: 'PP-1', approvalUrl: null };
    await s.reconcile.execute({ minAgeMs: 0 });
    expect(s.payments.rows.get(payment.id)?.status).toBe('pendiente');
    await s.reconcile.execute({ now: new Date(Date.now() + 31 * 60_000) });
    expect(s.payments.rows.get(payment.id)?.failureReason).toBe('payer_did_not_approve');
  });

  it('leaves the payments of another gateway alone', async () => {
    const s = setup();
    const payment = await pendingPayment(s);
    s.gateway.name = 'stripe';
    s.gateway.lookupAnswer = { kind: 'approved', reference: 'x' };
    expect(await s.reconcile.execute({ minAgeMs: 0 })).toMatchObject({ stillPending: 1 });
    expect(s.payments.rows.get(payment.id)?.status).toBe('pendiente');
  });
});

describe('RefundOrderPaymentUseCase', () => {
  const order = 'order-1';

  it('refunds the approved payment once, however often the cancellation is stated', async () => {
    const s = setup();
    const payment = await s.pay();
    expect((await s.refundOrder.execute(order)).outcome).toBe('refunded');
    expect((await s.refundOrder.execute(order)).outcome).toBe('already_refunded');
    expect(s.gateway.refunds).toBe(1);
    expect(s.outbox.messages).toEqual([`approved:${payment.id}`, `refunded:${payment.id}`]);
  });

  it('the gateway silent or refusing: an error and nothing changed, so the event comes again', async () => {
    const s = setup();
    const payment = await s.pay();
    s.gateway.refundAnswer = { kind: 'unknown' };
    await expect(s.refundOrder.execute(order)).rejects.toBeInstanceOf(GatewayUnavailable);
    s.gateway.refundAnswer = { kind: 'refused', reason: 'disputed' };
    await expect(s.refundOrder.execute(order)).rejects.toBeInstanceOf(RefundRefused);
    expect(s.payments.rows.get(payment.id)?.status).toBe('aprobado');
    s.gateway.refundAnswer = { kind: 'refunded', reference: 're_9' };
    expect((await s.refundOrder.execute(order)).outcome).toBe('refunded');
  });

  it('no approved payment: done, nothing refunded; the order is not charged afterwards (422)', async () => {
    const s = setup();
    expect(await s.refundOrder.execute(order)).toEqual({ outcome: 'no_payment', payment: null });
    expect(s.gateway.refunds).toBe(0);
    await expect(s.pay()).rejects.toBeInstanceOf(OrderNotPayable);
    expect(s.payments.rows.size).toBe(0);
  });

  it('an order the order service already answers cancelled is refused (422) before payment has heard of it, nothing charged', async () => {
    const s = setup();
    s.orders.order = { ...s.orders.order!, cancelled: true };
    await expect(s.pay()).rejects.toBeInstanceOf(OrderNotPayable);
    expect(s.payments.rows.size).toBe(0);
    expect(s.gateway.charges).toHaveLength(0);
  });
});
