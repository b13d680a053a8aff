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
import { SharedRedis } from '@app/platform';
import { PaymentConfig } from '../config/payment.config';
import { SimulatedLedger } from './simulated-ledger';
import { sleep } from './gateway-http';

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
 * again (charge or lookup) never charges twice; its memory is SimulatedLedger (Redis when
 * REDIS_URL is set, so every replica sees the same provider).
 */
@Injectable()
export class SimulatedPaymentGateway extends PaymentGateway {
  readonly name = 'simulated';
  private readonly ledger: SimulatedLedger;

  constructor(
    private readonly config: PaymentConfig,
    redis: SharedRedis,
  ) {
    super();
    this.ledger = new SimulatedLedger(redis);
  }

  supports(): boolean {
    return true;
  }

  async charge(request: ChargeRequest): Promise<GatewayOutcome> {
    await sleep(this.config.simulatedLatencyMs);
    const known = await this.ledger.chargeOf(request.idempotencyKey);
    if (known) return known.outcome;

    const reference = `sim_ch_${randomBytes(8).toString('hex')}`;
    const number = request.card?.number ?? '';
    const decline = DECLINES[number];
    const outcome: GatewayOutcome = decline
      ? { kind: 'declined', reason: decline, reference }
      : { kind: 'approved', reference };
    // a concurrent charge under the same key may have been kept first: its outcome stands
    const kept = await this.ledger.recordCharge(request.idempotencyKey, {
      reference,
      outcome,
      captured: outcome.kind === 'approved' ? 1 : 0,
    });
    // The timeout card: charged above, but the answer never reaches the caller.
    if (number === SIMULATED_TEST_CARDS.timeout) return { kind: 'unknown', reference: null };
    return kept.outcome;
  }

  async lookup(request: LookupRequest): Promise<LookupOutcome> {
    await sleep(this.config.simulatedLatencyMs);
    return (await this.ledger.chargeOf(request.idempotencyKey))?.outcome ?? { kind: 'not_found' };
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    await sleep(this.config.simulatedLatencyMs);
    const known = await this.ledger.refundOf(request.idempotencyKey);
    if (known) return { kind: 'refunded', reference: known };
    const charge = request.reference
      ? await this.ledger.chargeWithReference(request.reference)
      : undefined;
    if (!charge || charge.outcome.kind !== 'approved') {
      return { kind: 'refused', reason: 'no approved charge with this reference' };
    }
    const reference = `sim_re_${randomBytes(8).toString('hex')}`;
    if (!(await this.ledger.recordRefund(request.idempotencyKey, charge.reference, reference))) {
      return { kind: 'refused', reason: 'charge_already_refunded' };
    }
    return { kind: 'refunded', reference };
  }

  /** Test hook: how many times money moved under this idempotency key (0 or 1). */
  async capturedFor(idempotencyKey: string): Promise<number> {
    return (await this.ledger.chargeOf(idempotencyKey))?.captured ?? 0;
  }
}
