import { OrderFollowUp } from '../../domain/entities/order-follow-ups';

/**
 * The outbox as the order service uses it: `enqueue` writes the follow-ups of a change in the
 * caller's unit of work (so they commit, or roll back, with the change); a relay then delivers
 * each to the service that acts on it, retrying until acknowledged. Per order and receiver they
 * arrive in the order they were enqueued.
 */
export abstract class OrderOutbox {
  abstract enqueue(followUps: OrderFollowUp[]): Promise<void>;
}
