import { Money } from '@app/kernel';

/** An order as the payment service sees it through the order service: whose, what status, how much. */
export interface PayableOrder {
  id: string;
  userId: string;
  status: string;
  total: Money;
}

/** Only a freshly placed order is paid; every later status has been paid, or never will be. */
export const PAYABLE_ORDER_STATUS = 'creada';
