import { Injectable, Logger } from '@nestjs/common';
import { Payment } from '../../domain/entities/payment';
import { PaymentRepository } from '../../domain/repositories/payment.repository';
import { PaymentSettings } from '../payment-settings';
import { GatewayOutcome, PaymentGateway } from '../ports/payment-gateway.port';
import { PaymentSettlement } from './payment-settlement';

export interface ReconcileOptions {
  /** leave payments younger than this alone (default PAYMENT_RECONCILE_MIN_AGE_MS) */
  minAgeMs?: number;
  now?: Date;
}

export interface ReconcileReport {
  examined: number;
  approved: number;
  declined: number;
  stillPending: number;
}

/**
 * Settles payments left `pendiente` (the gateway did not answer in time, the process stopped
 * between the charge and its answer, a PayPal buyer still has to approve): asks the gateway
 * about each by its idempotency key and reference (a lookup charges nothing) and applies the
 * answer exactly as the request would have, `payment.approved` included. A payment the gateway
 * has no charge for after PAYMENT_PENDING_EXPIRY_MS is declined, which frees the order for a
 * new attempt. Safe to run in several instances at once: settling is idempotent per payment.
 */
@Injectable()
export class ReconcilePendingPaymentsUseCase {
  private readonly logger = new Logger(ReconcilePendingPaymentsUseCase.name);

  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly settlement: PaymentSettlement,
    private readonly settings: PaymentSettings,
  ) {}

  async execute(options: ReconcileOptions = {}): Promise<ReconcileReport> {
    const now = options.now ?? new Date();
    const cutoff = new Date(now.getTime() - (options.minAgeMs ?? this.settings.reconcileMinAgeMs));
    const due = await this.payments.findPendingCreatedBefore(
      cutoff,
      this.settings.reconcileBatchSize,
    );
    const report: ReconcileReport = { examined: 0, approved: 0, declined: 0, stillPending: 0 };
    for (const payment of due) {
      report.examined += 1;
      let settled: Payment;
      try {
        settled = await this.reconcile(payment, now);
      } catch (error) {
        this.logger.warn(
          { payment_id: payment.id, err_class: error instanceof Error ? error.name : 'Error' },
          'Reconciling a pending payment failed; the next pass retries',
        );
        report.stillPending += 1;
        continue;
      }
      if (settled.status === 'aprobado') report.approved += 1;
      else if (settled.status === 'rechazado') report.declined += 1;
      else report.stillPending += 1;
    }
    return report;
  }

  private async reconcile(payment: Payment, now: Date): Promise<Payment> {
    if (payment.gateway !== this.gateway.name) {
      this.logger.warn(
        { payment_id: payment.id, gateway: payment.gateway },
        'A pending payment of another gateway cannot be reconciled by this one',
      );
      return payment;
    }
    const found = await this.gateway.lookup({
      idempotencyKey: payment.id,
      paymentId: payment.id,
      reference: payment.gatewayReference,
      amount: payment.amount,
      currency: payment.currency,
      method: payment.method,
    });
    const expired = now.getTime() - payment.createdAt.getTime() >= this.settings.pendingExpiryMs;
    let outcome: GatewayOutcome;
    switch (found.kind) {
      case 'approved':
      case 'declined':
        outcome = found;
        break;
      case 'not_found':
        if (!expired) return payment;
        outcome = { kind: 'declined', reason: 'gateway_has_no_charge', reference: null };
        break;
      case 'awaiting_payer':
        outcome = expired
          ? { kind: 'declined', reason: 'payer_did_not_approve', reference: found.reference }
          : found;
        break;
      case 'unknown':
        if (!found.reference) return payment;
        outcome = found;
        break;
    }
    const settled = await this.settlement.settle(payment.id, outcome);
    if (settled.status !== 'pendiente') {
      this.logger.log(
        { payment_id: settled.id, status: settled.status },
        'A pending payment was settled by reconciliation',
      );
    }
    return settled;
  }
}
