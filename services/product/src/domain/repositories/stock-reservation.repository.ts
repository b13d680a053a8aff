import { StockReservation } from '../entities/stock-reservation';

export abstract class StockReservationRepository {
  /**
   * Stores the reservation unless the order already has one; true when this call stored it.
   * A concurrent insert for the same order waits for the other transaction and then loses,
   * so exactly one caller ever reserves stock for an order (or leaves its tombstone).
   */
  abstract insertIfAbsent(reservation: StockReservation): Promise<boolean>;
  abstract findByOrderId(orderId: string): Promise<StockReservation | null>;
  /** Marks it released if it is still reserved; true when this call did it. */
  abstract markReleased(reservation: StockReservation): Promise<boolean>;
}
