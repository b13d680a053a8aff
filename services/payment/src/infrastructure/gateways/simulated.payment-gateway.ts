import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SIMULATED_TEST_CARDS } from '@app/contracts';
import {
  ChargeRequest,
  GatewayOutcome,
  LookupOutcome,
  LookupRequest,
  PaymentGateway,
  RefundOutcome,
  RefundRequest,
} from '../../application/ports/payment-gateway.port';
import { PaymentConfig } from '../config/payment.config';
import { sleep } from './gateway-http';

interface SimulatedCharge {
  reference: string;
  outcome: GatewayOutcome;
  /** money moved under this key (1 at most, however often the key is charged) */
  captured: number;
}

const DECLINES: Record<string, string> = {
  [SIMULATED_TEST_CARDS.declined]: 'card_declined',
  [SIMULATED_TEST_CARDS.insufficientFunds]: 'insufficient_funds',
};

/**
 * The default gateway: no provider, documented test cards (SIMULATED_TEST_CARDS):
 * 4242424242424242 and any other valid number approve, 4000000000000002 declines
 * (card_declined), 4000000000009995 declines (insufficient_funds), 4000000000000119 is charged
 * but its answer is lost (a timeout: the payment stays pendiente until reconciliation asks).
 * PayPal approves. Like a real provider it remembers each idempotency key's outcome, so asking
 * again (charge or lookup) never charges twice; the memory lives as long as the process.
 */
@Injectable()
export class SimulatedPaymentGateway extends PaymentGateway {
  readonly name = 'simulated';
  private readonly charges = new Map<string, SimulatedCharge>();
  private readonly refunds = new Map<string, string>();
  private readonly refunded = new Set<string>();

  constructor(private readonly config: PaymentConfig) {
    super();
  }

  supports(): boolean {
    return true;
  }

  async charge(request: ChargeRequest): Promise<GatewayOutcome> {
    await sleep(this.config.simulatedLatencyMs);
    const known = this.charges.get(request.idempotencyKey);
    if (known) return known.outcome;

    const reference = `sim_ch_${randomBytes(8).toString('hex')}`;
    const number = request.card?.number ?? '';
    const decline = DECLINES[number];
    const outcome: GatewayOutcome = decline
      ? { kind: 'declined', reason: decline, reference }
      : { kind: 'approved', reference };
    this.charges.set(request.idempotencyKey, {
      reference,
      outcome,
      captured: outcome.kind === 'approved' ? 1 : 0,
    });
    // The timeout card: charged above, but the answer never reaches the caller.
    if (number === SIMULATED_TEST_CARDS.timeout) return { kind: 'unknown', reference: null };
    return outcome;
  }

  async lookup(request: LookupRequest): Promise<LookupOutcome> {
    await sleep(this.config.simulatedLatencyMs);
    return this.charges.get(request.idempotencyKey)?.outcome ?? { kind: 'not_found' };
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    await sleep(this.config.simulatedLatencyMs);
    const known = this.refunds.get(request.idempotencyKey);
    if (known) return { kind: 'refunded', reference: known };
    const charge = [...this.charges.values()].find((c) => c.reference === request.reference);
    if (!charge || charge.outcome.kind !== 'approved') {
      return { kind: 'refused', reason: 'no approved charge with this reference' };
    }
    if (this.refunded.has(charge.reference)) {
      return { kind: 'refused', reason: 'charge_already_refunded' };
    }
    const reference = `sim_re_${randomBytes(8).toString('hex')}`;
    this.refunds.set(request.idempotencyKey, reference);
    this.refunded.add(charge.reference);
    return { kind: 'refunded', reference };
  }

  /** Test hook: how many times money moved under this idempotency key (0 or 1). */
  capturedFor(idempotencyKey: string): number {
    return this.charges.get(idempotencyKey)?.captured ?? 0;
  }
}
