import { UpstreamUnavailableError } from '../../errors/upstream-unavailable.error';
import type { OutgoingEvent } from '../event-sender';

/** One envelope waiting for one destination, with its delivery bookkeeping. */
export interface QueuedEvent extends OutgoingEvent {
  attempts: number;
  /** epoch ms: not tried again before then */
  nextAttemptAt: number;
}

/**
 * The in-memory outbox is full (its consumers or the broker have not acknowledged for long):
 * the publish is refused whole, nothing of it queued, so the caller answers 503
 * `upstream-unavailable` and keeps nothing rather than lose an event it acknowledged.
 */
export class EventBacklogFullError extends UpstreamUnavailableError {
  constructor(
    readonly capacity: number,
    readonly waiting: number,
  ) {
    super(
      'events',
      `Events cannot be delivered now (${waiting} waiting, at most ${capacity}). ` +
        'Try again shortly.',
    );
    this.name = 'EventBacklogFullError';
  }
}

/**
 * A bounded FIFO per (destination, subject): only a lane's head is ever handed out, and it
 * leaves the queue only once acknowledged or refused for good, so one consumer gets one
 * subject's events in the order they were published. Lanes are independent: a consumer that is
 * down holds back its own lanes only.
 */
export class MemoryOutboxQueue {
  private readonly lanes = new Map<string, QueuedEvent[]>();
  private count = 0;

  constructor(readonly capacity: number) {}

  /** messages waiting (one per event and destination) */
  get size(): number {
    return this.count;
  }

  /** Queues all of them, or none when they do not fit (EventBacklogFullError). */
  add(events: readonly QueuedEvent[]): void {
    if (this.count + events.length > this.capacity) {
      throw new EventBacklogFullError(this.capacity, this.count);
    }
    for (const event of events) {
      const key = laneOf(event);
      const lane = this.lanes.get(key);
      if (lane) lane.push(event);
      else this.lanes.set(key, [event]);
    }
    this.count += events.length;
  }

  /** The heads due by `dueBy` (epoch ms), at most `limit`, the longest-waiting lanes first. */
  due(dueBy: number, limit: number): QueuedEvent[] {
    const heads: QueuedEvent[] = [];
    for (const [, lane] of this.lanes) {
      if (heads.length >= limit) break;
      if (lane[0].nextAttemptAt <= dueBy) heads.push(lane[0]);
    }
    return heads;
  }

  /** Takes a head out: acknowledged, or refused for good. */
  remove(event: QueuedEvent): void {
    const key = laneOf(event);
    const lane = this.lanes.get(key);
    if (!lane || lane[0] !== event) throw new Error('only the head of a lane leaves the queue');
    lane.shift();
    if (lane.length === 0) this.lanes.delete(key);
    this.count -= 1;
  }

  /** When the next head becomes due (epoch ms), or undefined when nothing waits. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const [, lane] of this.lanes) {
      if (next === undefined || lane[0].nextAttemptAt < next) next = lane[0].nextAttemptAt;
    }
    return next;
  }

  /** Makes every head due at `now` (a flush tries each one more time, whatever its backoff). */
  expedite(now: number): void {
    for (const [, lane] of this.lanes) lane[0].nextAttemptAt = Math.min(lane[0].nextAttemptAt, now);
  }
}

function laneOf(event: QueuedEvent): string {
  return `${event.destination}\n${event.envelope.subject}`;
}
