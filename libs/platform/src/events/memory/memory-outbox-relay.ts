import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { Gauge } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamClients } from '../../http/upstream-clients';
import { MessagingSettings, outboxBackoffMs } from '../../messaging/messaging.config';
import { MetricsService } from '../../metrics/metrics.service';
import { EventBroker } from '../event-broker';
import { sendEvent } from '../event-sender';
import { MemoryOutboxQueue, QueuedEvent } from './memory-outbox-queue';

/** During a shutdown flush, the pause between tries of what is still held. */
const FLUSH_PAUSE_MAX_MS = 250;

/**
 * Delivers what the in-memory outbox holds, with the transports and answers of the PostgreSQL
 * relay (`sendEvent`): until acknowledged, with capped exponential backoff and jitter; a 422 is
 * refused for good (logged, dropped: there is no table to dead-letter it in). No attempt limit:
 * the queue's capacity bounds what an outage holds. A pass runs as soon as something is
 * published and again when the next retry is due; passes never overlap. On a graceful shutdown
 * it keeps trying for OUTBOX_FLUSH_TIMEOUT_MS; what is left then is lost (logged), as it is on a
 * crash: these events are exactly as durable as the service's in-memory state.
 */
@Injectable()
export class MemoryOutboxRelay implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('MemoryOutboxRelay');
  private timer?: NodeJS.Timeout;
  /** the pass running or last run; the next one starts after it */
  private tail: Promise<unknown> = Promise.resolve();
  /** a pass asked for and not started yet: later asks join it */
  private queued?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly queue: MemoryOutboxQueue,
    private readonly settings: MessagingSettings,
    @Optional() @Inject(UpstreamClients) private readonly upstreams: UpstreamClients | undefined,
    @Optional() private readonly broker?: EventBroker,
    @Optional() metrics?: MetricsService,
  ) {
    // broker back after an outage: what waits out a grown backoff is due now
    broker?.onReconnected(() => {
      this.queue.expedite(Date.now());
      this.wake();
    });
    if (metrics) {
      new Gauge({
        name: 'outbox_memory_messages',
        help: 'Events held by the in-memory outbox, not yet acknowledged (one per destination)',
        registers: [metrics.registry],
        collect() {
          this.set(queue.size);
        },
      });
    }
  }

  /** Messages not yet acknowledged. */
  get waiting(): number {
    return this.queue.size;
  }

  /** Something was published: deliver it now (unless this process does not relay). */
  wake(): void {
    if (this.settings.relayEnabled && !this.stopped) this.schedule(0);
  }

  /**
   * Delivers everything due when the pass starts; returns how many were acknowledged. A message
   * that fails is due again only after its backoff, so it is tried at most once per pass.
   */
  drainOnce(): Promise<number> {
    this.queued ??= this.tail.then(() => {
      this.queued = undefined;
      return this.pass(Date.now());
    });
    const pass = this.queued;
    this.tail = pass.catch(() => undefined);
    return pass;
  }

  /** Keeps delivering, backoff aside, until nothing is held or OUTBOX_FLUSH_TIMEOUT_MS is up. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.settings.relayEnabled) return;
    const deadline = Date.now() + this.settings.flushTimeoutMs;
    while (this.queue.size > 0 && Date.now() < deadline) {
      this.queue.expedite(Date.now());
      await this.drainOnce();
      const left = deadline - Date.now();
      if (this.queue.size > 0 && left > 0) {
        await sleep(Math.min(this.settings.backoffBaseMs, FLUSH_PAUSE_MAX_MS, left));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.tail;
    if (this.queue.size > 0) {
      this.logger.error(
        { lost: this.queue.size },
        'in-memory outbox: events not delivered by the shutdown are lost',
      );
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drainOnce()
        .catch((error: unknown) => {
          const name = error instanceof Error ? error.constructor.name : 'Error';
          this.logger.warn({ err_class: name }, 'in-memory outbox pass failed; retrying');
        })
        .then(() => this.scheduleNext());
    }, delayMs);
    this.timer.unref();
  }

  /** The next pass when the next retry is due; none while nothing is held (a publish wakes it). */
  private scheduleNext(): void {
    if (this.stopped || !this.settings.relayEnabled) return;
    const next = this.queue.nextDueAt();
    if (next !== undefined) this.schedule(Math.max(0, next - Date.now()));
  }

  private async pass(dueBy: number): Promise<number> {
    let acknowledged = 0;
    for (;;) {
      const batch = this.queue.due(dueBy, this.settings.batchSize);
      if (batch.length === 0) return acknowledged;
      const results = await Promise.all(batch.map((message) => this.deliver(message)));
      acknowledged += results.filter(Boolean).length;
    }
  }

  private async deliver(message: QueuedEvent): Promise<boolean> {
    const outcome = await sendEvent(message, { upstreams: this.upstreams, broker: this.broker });
    message.attempts += 1;
    if (outcome.acknowledged) {
      this.queue.remove(message);
      return true;
    }
    const log = {
      event_id: message.envelope.id,
      type: message.envelope.type,
      destination: message.destination,
      attempts: message.attempts,
      reason: outcome.reason,
    };
    if (outcome.permanent) {
      this.queue.remove(message);
      this.logger.error(log, 'in-memory outbox: event refused for good by its consumer; dropped');
      return false;
    }
    message.nextAttemptAt = Date.now() + outboxBackoffMs(this.settings, message.attempts);
    this.logger.warn(log, 'outbox delivery failed; will retry');
    return false;
  }
}
