import { Money } from '@app/kernel';

/**
 * An order as the payment service sees it through the order service: whose, how much. Whether
 * it may be paid is this service's own knowledge: not charged already (its payments), not
 * cancelled (the `order.cancelled` events it received).
 */
export interface PayableOrder {
  id: string;
  userId: string;
  total: Money;
}
