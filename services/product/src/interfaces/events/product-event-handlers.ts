import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/kernel';
import { EventHandlerMap, EventHandlers } from '@app/platform';
import { ReleaseStockUseCase } from '../../application/use-cases/release-stock.use-case';
import { ReservationNotFound } from '../../domain/errors/product.errors';

/** A stored order always has a reservation (made before it was stored): this never applies. */
class CancelledOrderWithoutReservation extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'no_reservation';

  constructor(orderId: string) {
    super(`Order ${orderId} has no stock reservation to release.`, { order_id: orderId });
  }
}

/**
 * What the product service makes of other services' facts (the catalogue's `product`
 * consumers), each in the transaction of the event's inbox record: a cancelled order's reserved
 * stock goes back on the shelf, once (a second release changes nothing).
 */
@Injectable()
export class ProductEventHandlers extends EventHandlers {
  constructor(private readonly releaseStock: ReleaseStockUseCase) {
    super();
  }

  readonly handlers: EventHandlerMap = {
    'order.cancelled': async (order) => {
      const orderId = order.order_id.toLowerCase();
      try {
        // no tombstone here: a stored order was always reserved first, so none is a fault
        await this.releaseStock.execute(orderId, 'refuse');
      } catch (error) {
        if (error instanceof ReservationNotFound)
          throw new CancelledOrderWithoutReservation(orderId);
        throw error;
      }
    },
  };
}
