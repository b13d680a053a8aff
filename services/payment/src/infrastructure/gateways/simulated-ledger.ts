import { SharedRedis } from '@app/platform';
import { GatewayOutcome } from '../../application/ports/payment-gateway.port';

export interface SimulatedCharge {
  reference: string;
  outcome: GatewayOutcome;
  /** money moved under this key (1 at most, however often the key is charged) */
  captured: number;
}

/** How long the simulator remembers a charge or a refund (a provider keeps them for years). */
const REMEMBER_SECONDS = 30 * 24 * 3600;

/**
 * The simulated provider's memory: what it charged and refunded, by idempotency key. A real
 * provider keeps it on its side, shared by every replica that calls it; so does this one when
 * REDIS_URL is set (a charge made through one replica is refunded through another). Without
 * Redis it lives as long as the process.
 */
export class SimulatedLedger {
  private readonly charges = new Map<string, SimulatedCharge>();
  private readonly byReference = new Map<string, string>();
  private readonly refunds = new Map<string, string>();
  private readonly refunded = new Map<string, string>();

  constructor(private readonly redis: SharedRedis) {}

  private key(kind: string, id: string): string {
    return this.redis.key(`payment:simulated:${kind}:${id}`);
  }

  async chargeOf(idempotencyKey: string): Promise<SimulatedCharge | undefined> {
    const client = this.redis.client;
    if (!client) return this.charges.get(idempotencyKey);
    const text = await client.get(this.key('charge', idempotencyKey));
    return text ? (JSON.parse(text) as SimulatedCharge) : undefined;
  }

  /** Keeps `charge` unless the key already has one; returns the charge that stands. */
  async recordCharge(idempotencyKey: string, charge: SimulatedCharge): Promise<SimulatedCharge> {
    const client = this.redis.client;
    if (!client) {
      const known = this.charges.get(idempotencyKey);
      if (known) return known;
      this.charges.set(idempotencyKey, charge);
      this.byReference.set(charge.reference, idempotencyKey);
      return charge;
    }
    const kept = await client.set(
      this.key('charge', idempotencyKey),
      JSON.stringify(charge),
      'EX',
      REMEMBER_SECONDS,
      'NX',
    );
    if (kept !== 'OK') return (await this.chargeOf(idempotencyKey)) ?? charge;
    await client.set(
      this.key('reference', charge.reference),
      idempotencyKey,
      'EX',
      REMEMBER_SECONDS,
    );
    return charge;
  }

  async chargeWithReference(reference: string): Promise<SimulatedCharge | undefined> {
    const key = this.redis.client
      ? await this.redis.client.get(this.key('reference', reference))
      : this.byReference.get(reference);
    return key ? this.chargeOf(key) : undefined;
  }

  async refundOf(idempotencyKey: string): Promise<string | undefined> {
    const client = this.redis.client;
    if (!client) return this.refunds.get(idempotencyKey);
    return (await client.get(this.key('refund', idempotencyKey))) ?? undefined;
  }

  /**
   * Refunds the charge once: false when it was refunded already (under another key); the
   * refund's reference is kept under `idempotencyKey` for a repeat of the same request.
   */
  async recordRefund(idempotencyKey: string, chargeReference: string, reference: string) {
    const client = this.redis.client;
    if (!client) {
      if (this.refunded.has(chargeReference)) return false;
      this.refunded.set(chargeReference, reference);
      this.refunds.set(idempotencyKey, reference);
      return true;
    }
    const first = await client.set(
      this.key('refunded', chargeReference),
      reference,
      'EX',
      REMEMBER_SECONDS,
      'NX',
    );
    if (first !== 'OK') return false;
    await client.set(this.key('refund', idempotencyKey), reference, 'EX', REMEMBER_SECONDS);
    return true;
  }
}
