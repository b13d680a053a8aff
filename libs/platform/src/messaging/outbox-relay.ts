import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import type { EventEnvelope } from '@app/contracts';
import { DataSource } from 'typeorm';
import { CoalescingPasses } from '../jobs/coalescing-passes';
import { UpstreamClients } from '../http/upstream-clients';
import { EventBroker } from '../events/event-broker';
import { sendEvent } from '../events/event-sender';
import { LeaseRenewals } from '../database/lease-renewals';
import { MessagingSettings, outboxBackoffMs } from './messaging.config';
import { OUTBOX_CHANNEL } from './outbox-notify.migration';
import { PgChannelListener } from './pg-channel-listener';

interface ClaimedMessage {
  id: string;
  type: string;
  destination: string;
  path: string;
  payload: Record<string, unknown>;
  attempts: number;
  /** an undelivered message of the same aggregate and destination waits behind this one */
  has_follower: boolean;
}

/** What became of one delivery: acknowledged, or due again in `retryInMs` (none: dead). */
interface Delivery {
  acknowledged: boolean;
  retryInMs?: number;
}

/** One claim: the messages leased (maybe none), and when the pass should look again. */
interface Claim {
  batch: ClaimedMessage[];
  /** the database's now() at the claim: the first claim's is the pass's start */
  at: Date;
  /** when a message this pass could not take becomes claimable (a backoff, another's lease) */
  nextDueAt: Date | null;
}

/**
 * In the relay's own statements (claims, lease renewals, acknowledgements, failures): their
 * transaction commits without waiting for its WAL to reach the disk. What a server crash could
 * lose is a lease (it lapses anyway) or an acknowledgement (the message is delivered again, and
 * receivers drop repeats by message id): at-least-once either way. It saves the flush of about
 * three commits per checkout; business transactions still commit synchronously.
 */
const ASYNC_COMMIT = `set_config('synchronous_commit', 'off', true) = 'off'`;

/** Retry of a failed pass (the database away): sooner than a longer fallback poll. */
const FAILED_PASS_RETRY_MS = 1000;

/**
 * Delivers outbox messages to their receivers' internal endpoints until acknowledged (2xx).
 * Several relays (instances) may run: a claim is a short transaction that leases due messages
 * with FOR UPDATE SKIP LOCKED; delivery happens outside any transaction. The lease is short
 * (OUTBOX_CLAIM_LEASE_SECONDS) and renewed every third of it while the batch is being
 * delivered, so the messages of a relay that died are another's seconds later, while a slow
 * delivery is not handed to a second relay as long as the first one is still on it. Only the oldest
 * undelivered message of each aggregate and destination is claimable, so they arrive in order;
 * a dead-lettered message holds back the ones behind it until an admin re-drives it.
 *
 * When passes run: a committed row that is due notifies the database's OUTBOX_CHANNEL (a
 * trigger, see OutboxNotifiesItsRelay1700000000002), which a connection of the relay's own
 * LISTENs on; each pass ends by timing the next one for the earliest message it could not take
 * yet (a backoff ending, a lease of a dead relay lapsing); and a fallback poll every
 * OUTBOX_POLL_INTERVAL_MS catches what no one announced (a notification sent while the listener
 * was reconnecting; it also drains once when it listens again). Notifications that arrive
 * during a pass are one more pass after it. Idle, the relay runs no statement at all but the
 * fallback poll's one claim. A pass claims again only after a full batch or a delivered message
 * with another of its aggregate behind it: a notified event costs its claim and its
 * acknowledgement, two statements, and a batch's acknowledgements are one.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly leases = new LeaseRenewals(this.logger, 'outbox claim');
  private batches = 0;
  /** destinations that could not be reached: messages to them wait out a backoff */
  private readonly waitingOn = new Set<string>();
  private readonly passes: CoalescingPasses;
  private readonly listener?: PgChannelListener;
  private stopped = false;
  /**
   * A notification arrived since the last claim began. One received before a claim began is
   * that claim's: NOTIFY is sent when its transaction commits, so the claim sees the row.
   */
  private unclaimedNotice = false;

  constructor(
    private readonly dataSource: DataSource,
    // absent in a service that calls no one and produces no events (product: a consumer only)
    @Optional() @Inject(UpstreamClients) private readonly upstreams: UpstreamClients | undefined,
    private readonly settings: MessagingSettings,
    @Optional() private readonly broker?: EventBroker,
  ) {
    this.passes = new CoalescingPasses(
      () => this.pass().then(({ nextInMs }) => nextInMs),
      {
        fallbackMs: settings.pollIntervalMs,
        retryMs: Math.min(FAILED_PASS_RETRY_MS, settings.pollIntervalMs),
      },
      (error) => {
        const name = error instanceof Error ? error.constructor.name : 'Error';
        this.logger.warn({ err_class: name }, 'outbox relay pass failed; retrying');
      },
    );
    if (settings.relayEnabled && settings.listenEnabled) {
      this.listener = new PgChannelListener(dataSource, OUTBOX_CHANNEL, {
        onNotify: () => {
          this.unclaimedNotice = true;
          this.passes.request(() => this.unclaimedNotice);
        },
        // at start, and after a reconnection: what was notified meanwhile was not heard
        onListening: () => this.passes.request(),
      });
    }
  }

  onApplicationBootstrap(): void {
    if (!this.settings.relayEnabled) return;
    this.passes.request();
    this.listener?.start();
  }

  /** Before the data source closes (TypeORM's onApplicationShutdown): no pass may start then. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.listener?.stop();
    await this.passes.stop();
    this.leases.stopAll();
  }

  /**
   * Delivers everything due when the pass starts; returns how many were acknowledged. A message
   * that fails is due again only after its backoff, so it is tried at most once per pass.
   */
  async drainOnce(): Promise<number> {
    return (await this.pass()).acknowledged;
  }

  private async pass(): Promise<{ acknowledged: number; nextInMs?: number }> {
    let acknowledged = 0;
    // the database's clock, like every other timestamp of the outbox: the first claim's now()
    let passStartedAt: Date | null = null;
    for (;;) {
      this.unclaimedNotice = false;
      const claim = await this.claim(passStartedAt);
      passStartedAt ??= claim.at;
      const { batch } = claim;
      const dueInMs = claim.nextDueAt ? claim.nextDueAt.getTime() - claim.at.getTime() : Infinity;
      if (batch.length === 0) return { acknowledged, nextInMs: dueInMs };
      const lease = `batch-${(this.batches += 1)}`;
      this.leases.start(lease, (this.settings.claimLeaseSeconds * 1000) / 3, () =>
        this.renew(batch.map((message) => message.id)),
      );
      let outcomes: Delivery[];
      try {
        outcomes = await Promise.all(batch.map((message) => this.deliver(message)));
        await this.acknowledge(batch.filter((_, i) => outcomes[i].acknowledged));
      } finally {
        this.leases.stop(lease);
      }
      acknowledged += outcomes.filter((outcome) => outcome.acknowledged).length;
      if (this.stopped) return { acknowledged };
      // Another claim finds something only after a full batch, or behind a message just
      // delivered (the next of its aggregate is free now). Otherwise the pass ends here, one
      // statement sooner: what became due meanwhile notified, and the next pass is due when
      // this claim's earliest waiting message or one of this batch's retries is.
      const freed = batch.some((message, i) => message.has_follower && outcomes[i].acknowledged);
      if (batch.length < this.settings.batchSize && !freed) {
        const retries = outcomes.map((outcome) => outcome.retryInMs ?? Infinity);
        return { acknowledged, nextInMs: Math.min(dueInMs, ...retries) };
      }
    }
  }

  /**
   * One statement: leases up to a batch of the messages due by `dueBy` (the pass's start; now,
   * for its first claim), and, when that is less than a batch (the pass is about to end), finds
   * when the earliest message the pass could not take becomes claimable: due after the pass
   * started (a backoff, a wake-up), or leased by a relay (another one's; lapses if it died).
   * Messages held back behind an older one are not counted: the older one's delivery is what
   * frees them, in the pass that delivers it.
   */
  private async claim(dueBy: Date | null): Promise<Claim> {
    type Row = Partial<ClaimedMessage> & { claimed_at: Date; next_due_at: Date | null };
    const rows: Row[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE outbox_messages SET locked_until = now() + make_interval(secs => $2)
         WHERE id IN (
           SELECT m.id FROM outbox_messages m
           WHERE m.status = 'pending' AND m.next_attempt_at <= coalesce($3, now())
             AND (m.locked_until IS NULL OR m.locked_until < now())
             AND NOT EXISTS (
               SELECT 1 FROM outbox_messages e
               WHERE e.aggregate_id = m.aggregate_id AND e.destination = m.destination
                 AND e.sequence < m.sequence AND e.status IN ('pending', 'dead'))
           ORDER BY m.sequence
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
         RETURNING id, type, destination, path, payload, attempts,
           EXISTS (
             SELECT 1 FROM outbox_messages f
             WHERE f.aggregate_id = outbox_messages.aggregate_id
               AND f.destination = outbox_messages.destination
               AND f.sequence > outbox_messages.sequence AND f.status = 'pending') AS has_follower)
       SELECT now() AS claimed_at,
              CASE WHEN (SELECT count(*) FROM claimed) < $1 THEN
                (SELECT min(greatest(w.next_attempt_at, w.locked_until)) FROM outbox_messages w
                  WHERE w.status = 'pending'
                    AND (w.next_attempt_at > coalesce($3, now()) OR w.locked_until >= now()))
              END AS next_due_at,
              c.id, c.type, c.destination, c.path, c.payload, c.attempts, c.has_follower
         FROM (SELECT 1) AS pass LEFT JOIN claimed c ON true
        WHERE ${ASYNC_COMMIT}`,
      [this.settings.batchSize, this.settings.claimLeaseSeconds, dueBy],
    );
    const batch = rows.filter((row) => row.id !== null && row.id !== undefined) as ClaimedMessage[];
    return { batch, at: rows[0].claimed_at, nextDueAt: rows[0].next_due_at };
  }

  /** Extends the lease of the batch's messages still being delivered; false once none is. */
  private async renew(ids: string[]): Promise<boolean> {
    const [rows]: [Array<{ id: string }>, number] = await this.dataSource.query(
      `UPDATE outbox_messages SET locked_until = now() + make_interval(secs => $2)
        WHERE id = ANY($1::uuid[]) AND status = 'pending' AND locked_until IS NOT NULL
          AND ${ASYNC_COMMIT}
        RETURNING id`,
      [ids, this.settings.claimLeaseSeconds],
    );
    return rows.length > 0;
  }

  private async deliver(message: ClaimedMessage): Promise<Delivery> {
    const outcome = await sendEvent(
      {
        envelope: message.payload as unknown as EventEnvelope,
        destination: message.destination,
        path: message.path,
        fallbackRequestId: `outbox-${message.id}`,
      },
      { upstreams: this.upstreams, broker: this.broker },
    );
    if (outcome.acknowledged) return { acknowledged: true };
    const retryInMs = await this.recordFailure(message, outcome.reason, outcome.permanent);
    return { acknowledged: false, retryInMs };
  }

  /**
   * The batch's delivered messages in one statement once all its deliveries have ended (one
   * round trip per batch, not per message). Until then a delivered message stays leased; if the
   * relay dies first, it is delivered again after its lease, and the consumer's inbox drops it.
   */
  private async acknowledge(delivered: ClaimedMessage[]): Promise<void> {
    if (delivered.length === 0) return;
    await this.dataSource.query(
      `UPDATE outbox_messages SET status = 'delivered', delivered_at = now(), locked_until = NULL,
         attempts = attempts + 1, last_error = NULL
       WHERE id = ANY($1::uuid[]) AND ${ASYNC_COMMIT}`,
      [delivered.map((message) => message.id)],
    );
    for (const destination of new Set(delivered.map((message) => message.destination))) {
      if (this.waitingOn.delete(destination)) await this.wake(destination);
    }
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
  ): Promise<number | undefined> {
    const attempts = message.attempts + 1;
    const dead = permanent || attempts >= this.settings.maxAttempts;
    const backoffMs = outboxBackoffMs(this.settings, attempts);
    await this.dataSource.query(
      `UPDATE outbox_messages
       SET attempts = $2, last_error = $3, locked_until = NULL, status = $4,
           next_attempt_at = now() + make_interval(secs => $5)
       WHERE id = $1 AND ${ASYNC_COMMIT}`,
      [message.id, attempts, reason, dead ? 'dead' : 'pending', backoffMs / 1000],
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
    return dead ? undefined : backoffMs;
  }
}
