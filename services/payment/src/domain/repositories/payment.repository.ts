import { Payment } from '../entities/payment';
import { PaymentStatus } from '../entities/payment-status';

export interface PaymentListCriteria {
  /** a customer's own payments; absent for admin */
  userId?: string;
  orderId?: string;
  status?: PaymentStatus;
  limit: number;
  offset: number;
}

export interface PaymentPage {
  items: Payment[];
  total: number;
}

/** The payment that holds an order's one charge, when a new one is refused because of it. */
export interface ChargeHolder {
  id: string;
  status: PaymentStatus;
}

export type InsertResult = { inserted: true } | { inserted: false; holder: ChargeHolder };

/**
 * Port for payments. Every method joins the caller's unit of work when one is running.
 */
export abstract class PaymentRepository {
  /**
   * Stores a new `pendiente` payment unless the order already has one that is pending, approved
   * or refunded: the database decides, atomically, so concurrent attempts cannot both insert.
   * Call it outside a unit of work: it must commit at once for the others to see it.
   */
  abstract insertIfOrderFree(payment: Payment): Promise<InsertResult>;
  /** Writes status, references, reason and updated_at. */
  abstract save(payment: Payment): Promise<void>;
  abstract findById(id: string): Promise<Payment | null>;
  /** Locks the payment until the unit of work ends (settling is read-check-write). */
  abstract findByIdForUpdate(id: string): Promise<Payment | null>;
  /** The order's payment holding its charge (pendiente, aprobado or reembolsado), if any. */
  abstract findChargeOfOrder(orderId: string): Promise<Payment | null>;
  /** Newest first, ties broken by id, so pages are stable. */
  abstract list(criteria: PaymentListCriteria): Promise<PaymentPage>;
  /** Pending payments created at or before `cutoff`, oldest first. */
  abstract findPendingCreatedBefore(cutoff: Date, limit: number): Promise<Payment[]>;
}
