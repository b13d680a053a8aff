import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  IdempotencyScope,
  IdempotencyStore,
  Money,
  UnitOfWorkInterrupted,
  replayOf,
  settleFailedRequest,
} from '@app/kernel';
import { summarizeCard } from '../../domain/entities/card';
import { Payment, PaymentMethod } from '../../domain/entities/payment';
import {
  OrderAlreadyPaid,
  OrderNotFound,
  OrderNotPayable,
  PaymentInProgress,
} from '../../domain/errors/payment.errors';
import { CancelledOrders } from '../../domain/repositories/cancelled-orders.repository';
import { ChargeHolder, PaymentRepository } from '../../domain/repositories/payment.repository';
import { Requester } from '../dtos/requester';
import { PaymentMethodNotSupported } from '../errors/payment-request.errors';
import { PaymentSettings } from '../payment-settings';
import { OrderDirectory } from '../ports/order-directory.port';
import { CardDetails, GatewayOutcome, PaymentGateway } from '../ports/payment-gateway.port';
import { PaymentSettlement, applyOutcome } from './payment-settlement';

export interface ProcessPaymentCommand {
  requester: Requester;
  /** forwarded to the order service: the order is read as the caller sees it */
  userToken: string;
  orderId: string;
  amount: Money;
  method: PaymentMethod;
  card: CardDetails | null;
  /** present when the request carried an Idempotency-Key */
  idempotency?: Omit<IdempotencyScope, 'callerId'>;
  /** the wire answer (status and body), stored with the key so a replay answers the same */
  present(payment: Payment): { status: number; body: unknown };
}

export type ProcessPaymentResult =
  { kind: 'processed'; payment: Payment } | { kind: 'replayed'; status: number; body: unknown };

/**
 * Pauses between attempts at recording a gateway's answer while the database is unreachable
 * (for PaymentSettings.recordingRetryMs: a failover or a pooler restart lasts seconds).
 */
const RECORDING_PAUSES_MS = [100, 250, 500, 1000];

/** Refusals that depend on the moment (another payment running, a service down) are not kept. */
const NOT_STORED: ReadonlySet<string> = new Set([
  'conflict',
  'unavailable',
  'unauthorized',
  'rate_limited',
]);

/**
 * Pays an order: read it through the order service as the caller (404 when it is another
 * customer's), refuse it if this service knows it cancelled (`order.cancelled`: 422), check the
 * amount is its total, store the payment `pendiente` (the database refuses a second one for the
 * order: 409, so a paid order is never charged again), then ask the gateway with the payment id
 * as idempotency key and apply its answer. Approving publishes `payment.approved` in the same
 * transaction; the relay delivers it even if the order service is down. A cancellation this
 * service has not heard of yet does not stop the charge: the order answers the approval by
 * stating its cancellation again, and the payment is refunded.
 * A gateway that does not answer leaves the payment `pendiente` for reconciliation.
 * Once the gateway has answered, money may have moved: the answer is never lost to a database
 * blip. Recording it is retried while the database is unreachable (settling is idempotent), and
 * if it still cannot land, the caller is told what the gateway said all the same (an approval is
 * an approval) and reconciliation records it from the gateway once the database is back.
 */
@Injectable()
export class ProcessPaymentUseCase {
  private readonly logger = new Logger(ProcessPaymentUseCase.name);

  constructor(
    private readonly orders: OrderDirectory,
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly settlement: PaymentSettlement,
    private readonly idempotency: IdempotencyStore,
    private readonly settings: PaymentSettings,
    private readonly cancelledOrders: CancelledOrders,
  ) {}

  async execute(command: ProcessPaymentCommand): Promise<ProcessPaymentResult> {
    if (!command.idempotency) return { kind: 'processed', payment: await this.process(command) };

    const scope: IdempotencyScope = { callerId: command.requester.id, ...command.idempotency };
    const claim = await this.idempotency.claim(scope);
    // in flight (409), another body (422), a stored refusal (thrown again) or a stored answer
    if (claim.kind !== 'acquired') return { kind: 'replayed', ...replayOf(claim) };

    const token = claim.token;
    try {
      const payment = await this.process(command, async (settled) => {
        // False when our lease ran out and another request took the key: the payment stands
        // (money may have moved), only the key's answer is that other request's to store.
        await this.idempotency.complete(scope, token, {
          kind: 'response',
          ...command.present(settled),
        });
      });
      return { kind: 'processed', payment };
    } catch (error) {
      await this.settleKey(scope, token, error);
      throw error;
    }
  }

  private async process(
    command: ProcessPaymentCommand,
    alsoInTransaction?: (payment: Payment) => Promise<void>,
  ): Promise<Payment> {
    if (!this.gateway.supports(command.method)) {
      throw new PaymentMethodNotSupported(command.method, this.gateway.name);
    }
    const order = await this.orders.findForCaller(command.orderId, command.userToken);
    if (!order) throw new OrderNotFound(command.orderId);
    // the order's own answer first: an order expired a moment ago is refused, not charged and
    // then refunded when order.cancelled arrives here
    if (order.cancelled || (await this.cancelledOrders.isCancelled(order.id))) {
      throw new OrderNotPayable(order.id);
    }

    const payment = Payment.start({
      id: randomUUID(),
      order,
      amount: command.amount,
      currency: this.settings.currency,
      method: command.method,
      gateway: this.gateway.name,
      card: command.card ? summarizeCard(command.card.number) : null,
    });
    const inserted = await this.payments.insertIfOrderFree(payment);
    if (!inserted.inserted) throw conflictOf(order.id, inserted.holder);

    let outcome: GatewayOutcome;
    try {
      outcome = await this.gateway.charge({
        idempotencyKey: payment.id,
        paymentId: payment.id,
        orderId: payment.orderId,
        amount: payment.amount,
        currency: payment.currency,
        method: payment.method,
        card: command.card,
        onReference: async (reference) => {
          await this.settlement.settle(payment.id, { kind: 'unknown', reference });
        },
      });
    } catch (error) {
      // Adapters report a silent provider as `unknown`; anything thrown is a bug. The charge
      // may still have happened, so the payment waits for reconciliation, never a new charge.
      this.logger.error(
        { payment_id: payment.id, err_class: errorClass(error) },
        'The gateway adapter failed; the payment stays pendiente for reconciliation',
      );
      outcome = { kind: 'unknown', reference: null };
    }
    return this.record(payment, outcome, alsoInTransaction);
  }

  /** Stores what the gateway said; see the class comment for a database that is unreachable. */
  private async record(
    payment: Payment,
    outcome: GatewayOutcome,
    alsoInTransaction?: (payment: Payment) => Promise<void>,
  ): Promise<Payment> {
    const giveUpAt = Date.now() + this.settings.recordingRetryMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.settlement.settle(payment.id, outcome, alsoInTransaction);
      } catch (error) {
        // a drop during the commit may have recorded it: settling again finds it settled
        if (!(error instanceof UnitOfWorkInterrupted)) throw error;
        const pause = RECORDING_PAUSES_MS[Math.min(attempt, RECORDING_PAUSES_MS.length - 1)];
        if (Date.now() + pause > giveUpAt) break;
        this.logger.warn(
          { payment_id: payment.id, outcome: outcome.kind, attempt: attempt + 1 },
          "The database was unreachable while recording the gateway's answer; retrying",
        );
        await sleep(pause);
      }
    }
    applyOutcome(payment, outcome);
    this.logger.error(
      { payment_id: payment.id, status: payment.status },
      "The gateway's answer could not be recorded; answered as it is, reconciliation records it",
    );
    // best effort: stores the answer with the key if the database is back, and in any case
    // stops renewing the key's lease
    await alsoInTransaction?.(payment).catch(() => undefined);
    return payment;
  }

  /**
   * Business refusals that follow from the request (order not found or not payable, amount,
   * method) are stored and replayed; conflicts with a payment in progress, 503s and bugs forget
   * the key so that a retry runs again.
   */
  private async settleKey(scope: IdempotencyScope, token: string, error: unknown): Promise<void> {
    try {
      await settleFailedRequest(
        this.idempotency,
        scope,
        token,
        error,
        (refusal) => !NOT_STORED.has(refusal.kind),
      );
    } catch (settleError) {
      // the lease expires on its own; a retry then takes the key over
      this.logger.warn(
        { err_class: errorClass(settleError) },
        'Could not settle an idempotency key',
      );
    }
  }
}

function conflictOf(orderId: string, holder: ChargeHolder): DomainError {
  return holder.status === 'pendiente'
    ? new PaymentInProgress(orderId, holder.id)
    : new OrderAlreadyPaid(orderId, holder.id, holder.status);
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}
