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
import { MessagingSettings, outboxBackoffMs } from './messaging.config';

interface ClaimedMessage {
  id: string;
  type: string;
  destination: string;
  path: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** How long a claimed message stays invisible to other relays while it is being delivered. */
const LEASE_SECONDS = 60;

/**
 * Delivers outbox messages to their receivers' internal endpoints until acknowledged (2xx).
 * Several relays (instances) may run: a claim is a short transaction that leases due messages
 * with FOR UPDATE SKIP LOCKED; delivery happens outside any transaction. Only the oldest
 * undelivered message of each aggregate and destination is claimable, so they arrive in order;
 * a dead-lettered message holds back the ones behind it until an admin re-drives it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
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
      const results = await Promise.all(batch.map((message) => this.deliver(message)));
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
      [this.settings.batchSize, LEASE_SECONDS, dueBy],
    );
    return rows;
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
      return true;
    }
    await this.recordFailure(message, outcome.reason, outcome.permanent);
    return false;
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
