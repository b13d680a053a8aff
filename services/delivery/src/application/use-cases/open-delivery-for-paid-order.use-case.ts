import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { PaidOrders } from '../../domain/repositories/paid-orders.repository';
import { DeliveryOpener } from '../delivery-opener';
import { FactResult, OrderPaidFact } from '../dtos/delivery-commands';

/**
 * An order was paid (`order.paid`). Runs in the unit of work of the event's inbox record (so it
 * applies once), with the order's deliveries locked: the order is remembered as paid (its owner
 * may ask for a delivery later), and one with an address gets its
 * `pendiente` delivery unless it has one already (`existing`) or is known to be cancelled
 * (`order_cancelled`: the cancellation overtook the payment; nothing is opened). Without an
 * address nothing opens (`no_address`): its owner may ask for a delivery later.
 */
@Injectable()
export class OpenDeliveryForPaidOrderUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly opener: DeliveryOpener,
    private readonly paidOrders: PaidOrders,
  ) {}

  execute(fact: OrderPaidFact): Promise<FactResult> {
    return this.uow.run(async () => {
      await this.opener.lock(fact.orderId);
      await this.paidOrders.record(fact.orderId, fact.userId, new Date());
      const state = await this.opener.stateOf(fact.orderId);
      if (state.kind === 'existing') return { outcome: 'existing', delivery: state.delivery };
      if (state.kind === 'order_cancelled') return { outcome: 'order_cancelled', delivery: null };
      if (!fact.address) return { outcome: 'no_address', delivery: null };
      const opened = await this.opener.open({
        orderId: fact.orderId,
        userId: fact.userId,
        address: fact.address,
      });
      return { outcome: opened.created ? 'created' : 'existing', delivery: opened.delivery };
    });
  }
}
