import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import type { EventEnvelope } from '@app/contracts';
import { DataSource } from 'typeorm';
import { UpstreamClients } from '../http/upstream-clients';
import { EventBroker } from '../events/event-broker';
import { sendEvent } from '../events/event-sender';
import { LeaseRenewals } from '../database/lease-renewals';
import { MessagingSettings, outboxBackoffMs } from './messaging.config';

interface ClaimedMessage {
  id: string;
  type: string;
  destination: string;
  path: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * Delivers outbox messages to their receivers' internal endpoints until acknowledged (2xx).
 * Several relays (instances) may run: a claim is a short transaction that leases due messages
 * with FOR UPDATE SKIP LOCKED; delivery happens outside any transaction. The lease is short
 * (OUTBOX_CLAIM_LEASE_SECONDS) and renewed every third of it while the batch is being
 * delivered, so the messages of a relay that died are another's seconds later, while a slow
 * delivery is not handed to a second relay as long as the first one is still on it. Only the oldest
 * undelivered message of each aggregate and destination is claimable, so they arrive in order;
 * a dead-lettered message holds back the ones behind it until an admin re-drives it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly leases = new LeaseRenewals(this.logger, 'outbox claim');
  private batches = 0;
  /** destinations that could not be reached: messages to them wait out a backoff */
  private readonly waitingOn = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    // absent in a service that calls no one and produces no events (product: a consumer only)
    @Optional() @Inject(UpstreamClients) private readonly upstreams: UpstreamClients | undefined,
    private readonly settings: MessagingSettings,
    @Optional() private readonly broker?: EventBroker,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.relayEnabled) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.leases.stopAll();
  }

  /**
   * Delivers everything due when the pass starts; returns how many were acknowledged. A message
   * that fails is due again only after its backoff, so it is tried at most once per pass.
   */
  async drainOnce(): Promise<number> {
    // the database's clock, like every other timestamp of the outbox
    const [{ now: passStartedAt }]: Array<{ now: Date }> =
      await this.dataSource.query('SELECT now() AS now');
    let acknowledged = 0;
    for (;;) {
      const batch = await this.claim(passStartedAt);
      if (batch.length === 0) return acknowledged;
      const lease = `batch-${(this.batches += 1)}`;
      this.leases.start(lease, (this.settings.claimLeaseSeconds * 1000) / 3, () =>
        this.renew(batch.map((message) => message.id)),
      );
      let results: boolean[];
      try {
        results = await Promise.all(batch.map((message) => this.deliver(message)));
      } finally {
        this.leases.stop(lease);
      }
      acknowledged += results.filter(Boolean).length;
      if (this.stopped) return acknowledged;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drainOnce()
        .catch((error: unknown) => {
          const name = error instanceof Error ? error.constructor.name : 'Error';
          this.logger.warn({ err_class: name }, 'outbox relay pass failed; retrying');
        })
        .then(() => this.schedule(this.settings.pollIntervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async claim(dueBy: Date): Promise<ClaimedMessage[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count]
    const [rows]: [ClaimedMessage[], number] = await this.dataSource.query(
      `UPDATE outbox_messages SET locked_until = now() + make_interval(secs => $2)
       WHERE id IN (
         SELECT m.id FROM outbox_messages m
         WHERE m.status = 'pending' AND m.next_attempt_at <= $3
           AND (m.locked_until IS NULL OR m.locked_until < now())
           AND NOT EXISTS (
             SELECT 1 FROM outbox_messages e
             WHERE e.aggregate_id = m.aggregate_id AND e.destination = m.destination
               AND e.sequence < m.sequence AND e.status IN ('pending', 'dead'))
         ORDER BY m.sequence
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING id, type, destination, path, payload, attempts`,
      [this.settings.batchSize, this.settings.claimLeaseSeconds, dueBy],
    );
    return rows;
  }

  /** Extends the lease of the batch's messages still being delivered; false once none is. */
  private async renew(ids: string[]): Promise<boolean> {
    const [rows]: [Array<{ id: string }>, number] = await this.dataSource.query(
      `UPDATE outbox_messages SET locked_until = now() + make_interval(secs => $2)
        WHERE id = ANY($1::uuid[]) AND status = 'pending' AND locked_until IS NOT NULL
        RETURNING id`,
      [ids, this.settings.claimLeaseSeconds],
    );
    return rows.length > 0;
  }

  private async deliver(message: ClaimedMessage): Promise<boolean> {
    const outcome = await sendEvent(
      {
        envelope: message.payload as unknown as EventEnvelope,
        destination: message.destination,
        path: message.path,
        fallbackRequestId: `outbox-${message.id}`,
      },
      { upstreams: this.upstreams, broker: this.broker },
    );
    if (outcome.acknowledged) {
      await this.dataSource.query(
        `UPDATE outbox_messages SET status = 'delivered', delivered_at = now(), locked_until = NULL,
           attempts = attempts + 1, last_error = NULL
         WHERE id = $1`,
        [message.id],
      );
      if (this.waitingOn.delete(message.destination)) await this.wake(message.destination);
      return true;
    }
    await this.recordFailure(message, outcome.reason, outcome.permanent);
    return false;
  }

  /**
   * The destination answered again: the messages that wait out a backoff because it could not
   * be reached are due now, instead of up to OUTBOX_BACKOFF_MAX_MS after it came back.
   */
  private async wake(destination: string): Promise<void> {
    try {
      await this.dataSource.query(
        `UPDATE outbox_messages SET next_attempt_at = now()
          WHERE status = 'pending' AND next_attempt_at > now() AND destination = $1
            AND last_error = 'unavailable'`,
        [destination],
      );
    } catch {
      this.waitingOn.add(destination); // the next acknowledgement tries again
    }
  }

  private async recordFailure(
    message: ClaimedMessage,
    reason: string,
    permanent = false,
  ): Promise<void> {
    const attempts = message.attempts + 1;
    const dead = permanent || attempts >= this.settings.maxAttempts;
    await this.dataSource.query(
      `UPDATE outbox_messages
       SET attempts = $2, last_error = $3, locked_until = NULL, status = $4,
           next_attempt_at = now() + make_interval(secs => $5)
       WHERE id = $1`,
      [
        message.id,
        attempts,
        reason,
        dead ? 'dead' : 'pending',
        outboxBackoffMs(this.settings, attempts) / 1000,
      ],
    );
    if (!dead && reason === 'unavailable') this.waitingOn.add(message.destination);
    const log = {
      message_id: message.id,
      type: message.type,
      destination: message.destination,
      attempts,
      reason,
    };
    if (dead) this.logger.error(log, 'outbox message dead-lettered');
    else this.logger.warn(log, 'outbox delivery failed; will retry');
  }
}
