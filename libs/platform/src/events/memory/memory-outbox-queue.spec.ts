import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { EventBacklogFullError, MemoryOutboxQueue, QueuedEvent } from './memory-outbox-queue';

const message = (subject: string, destination = 'order', nextAttemptAt = 0): QueuedEvent => ({
  envelope: {
    id: randomUUID(),
    type: 'order.validated',
    version: 1,
    occurred_at: new Date().toISOString(),
    producer: 'order-validation',
    subject,
    payload: {},
  },
  destination,
  path: '/api/v1/internal/events',
  fallbackRequestId: 'outbox-test',
  attempts: 0,
  nextAttemptAt,
});

describe('MemoryOutboxQueue', () => {
  it('hands out only the head of each (destination, subject) lane, whatever is acknowledged first', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            subject: fc.constantFrom('a', 'b', 'c'),
            destination: fc.constantFrom('order', 'delivery'),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.infiniteStream(fc.nat()),
        (published, picks) => {
          const queue = new MemoryOutboxQueue(100);
          const messages = published.map((p) => message(p.subject, p.destination));
          queue.add(messages);
          const delivered: QueuedEvent[] = [];
          while (queue.size > 0) {
            const heads = queue.due(Date.now(), 100);
            const next = heads[picks.next().value % heads.length];
            queue.remove(next);
            delivered.push(next);
          }
          // per lane, the order of publishing
          for (const lane of new Set(published.map((p) => `${p.destination}/${p.subject}`))) {
            const ofLane = (list: QueuedEvent[]) =>
              list.filter((m) => `${m.destination}/${m.envelope.subject}` === lane);
            expect(ofLane(delivered)).toEqual(ofLane(messages));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a publish that does not fit, whole, and takes it once there is room', () => {
    const queue = new MemoryOutboxQueue(3);
    queue.add([message('a'), message('b')]);
    expect(() => queue.add([message('c'), message('d')])).toThrow(EventBacklogFullError);
    expect(queue.size).toBe(2);
    queue.remove(queue.due(Date.now(), 10)[0]);
    queue.add([message('c'), message('d')]);
    expect(queue.size).toBe(3);
  });

  it('holds a head back until it is due, and says when the next one is', () => {
    const queue = new MemoryOutboxQueue(10);
    queue.add([message('a', 'order', 5000), message('b', 'order', 2000)]);
    expect(queue.due(1000, 10)).toEqual([]);
    expect(queue.nextDueAt()).toBe(2000);
    expect(queue.due(2000, 10).map((m) => m.envelope.subject)).toEqual(['b']);
    queue.expedite(1000);
    expect(queue.due(1000, 10)).toHaveLength(2);
  });

  it('only a head may leave', () => {
    const queue = new MemoryOutboxQueue(10);
    const [first, second] = [message('a'), message('a')];
    queue.add([first, second]);
    expect(() => queue.remove(second)).toThrow('only the head of a lane leaves the queue');
    queue.remove(first);
    queue.remove(second);
    expect(queue.size).toBe(0);
    expect(queue.nextDueAt()).toBeUndefined();
  });
});
