import { Money } from '@app/kernel';

/**
 * An order as the payment service sees it through the order service: whose, how much, and
 * whether it says it is cancelled. Whether it may be paid is otherwise this service's own
 * knowledge: not charged already (its payments), not cancelled (the `order.cancelled` events it
 * received, which may still be on their way when the order's answer already says so).
 */
export interface PayableOrder {
  id: string;
  userId: string;
  total: Money;
  cancelled: boolean;
}
