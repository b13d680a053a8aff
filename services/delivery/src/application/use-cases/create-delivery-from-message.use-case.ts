import { Injectable } from '@nestjs/common';
import { MessageInbox, UnitOfWork } from '@app/kernel';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { DeliveryOpener } from '../delivery-opener';
import { CreateDeliveryMessage, MessageResult } from '../dtos/delivery-commands';

/**
 * The order service's "this order is paid and has an address" message. One transaction: lock
 * the order's deliveries, record the message id (inbox), then open the delivery unless the order
 * has one already (`existing`) or is known to be cancelled (`order_cancelled`: the cancellation
 * overtook this message; nothing is opened). A message id seen before changes nothing.
 */
@Injectable()
export class CreateDeliveryFromMessageUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly inbox: MessageInbox,
    private readonly deliveries: DeliveryRepository,
    private readonly opener: DeliveryOpener,
  ) {}

  execute(message: CreateDeliveryMessage): Promise<MessageResult> {
    return this.uow.run(async () => {
      await this.opener.lock(message.orderId);
      if (!(await this.inbox.firstDelivery(message.messageId))) {
        const current = await this.deliveries.findByOrderId(message.orderId);
        return { outcome: 'duplicate', delivery: current };
      }
      const state = await this.opener.stateOf(message.orderId);
      if (state.kind === 'existing') return { outcome: 'existing', delivery: state.delivery };
      if (state.kind === 'order_cancelled') return { outcome: 'order_cancelled', delivery: null };
      const opened = await this.opener.open({
        orderId: message.orderId,
        userId: message.userId,
        address: message.address,
      });
      return { outcome: opened.created ? 'created' : 'existing', delivery: opened.delivery };
    });
  }
}
