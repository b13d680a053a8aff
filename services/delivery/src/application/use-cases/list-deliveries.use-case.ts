import { Injectable } from '@nestjs/common';
import { DeliveryStatus } from '../../domain/entities/delivery-status';
import { DeliveryPage, DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { Requester } from '../dtos/requester';

export interface ListDeliveriesQuery {
  requester: Requester;
  orderId?: string;
  status?: DeliveryStatus;
  limit: number;
  offset: number;
}

/** A customer lists their own deliveries (another's order matches nothing); admin lists all. */
@Injectable()
export class ListDeliveriesUseCase {
  constructor(private readonly deliveries: DeliveryRepository) {}

  execute(query: ListDeliveriesQuery): Promise<DeliveryPage> {
    return this.deliveries.list({
      userId: query.requester.isAdmin ? undefined : query.requester.id,
      orderId: query.orderId,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
  }
}
