import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  IdempotencyScope,
  IdempotencyStore,
  Money,
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
import { PaymentSettlement } from './payment-settlement';

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
    return this.settlement.settle(payment.id, outcome, alsoInTransaction);
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
