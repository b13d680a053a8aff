import { InconsistentHistory } from '../errors/order.errors';
import { OrderEvent, STATUS_AFTER_EVENT } from './order-event';
import { OrderStatus, canTransition } from './order-status';

/**
 * The status is the fold of the events: `created` starts the order in `creada`, every later
 * event either moves it along the transition table or leaves it where it is. A history that
 * breaks the table (or an event whose recorded status disagrees) is refused, not papered over.
 */
export function foldStatus(events: readonly OrderEvent[]): OrderStatus {
  let status: OrderStatus | null = null;
  for (const event of events) {
    const next = STATUS_AFTER_EVENT[event.type];
    if (status === null) {
      if (event.type !== 'created')
        throw new InconsistentHistory('the first event must be created');
      status = 'creada';
    } else if (event.type === 'created') {
      throw new InconsistentHistory('created appears twice');
    } else if (next !== null) {
      if (!canTransition(status, next)) {
        throw new InconsistentHistory(`${event.type} cannot follow status ${status}`);
      }
      status = next;
    }
    if (event.status !== status) {
      throw new InconsistentHistory(
        `${event.type} records ${event.status}, the fold says ${status}`,
      );
    }
  }
  if (status === null) throw new InconsistentHistory('an order has at least its created event');
  return status;
}

/** Every status the order has been in, in order. */
export function visitedStatuses(events: readonly OrderEvent[]): OrderStatus[] {
  const seen: OrderStatus[] = [];
  for (const event of events) if (!seen.includes(event.status)) seen.push(event.status);
  return seen;
}
