import {
  AddressDto,
  DeliveryPageDto,
  DeliveryResponseDto,
  StopDeliveryResponseDto,
  TrackingDto,
} from '@app/contracts';
import { StopDeliveryResult } from '../../application/use-cases/stop-delivery-for-order.use-case';
import { Delivery, DeliveryAddress } from '../../domain/entities/delivery';
import { DeliveryPage } from '../../domain/repositories/delivery.repository';

/** Wire ↔ domain for the delivery API. Responses list their fields explicitly (a whitelist). */
export const DeliveryPresenter = {
  toAddress(dto: Pick<AddressDto, keyof AddressDto>): DeliveryAddress {
    return {
      street: dto.street,
      city: dto.city,
      postalCode: dto.postal_code,
      country: dto.country,
    };
  },

  toResponse(delivery: Delivery): DeliveryResponseDto {
    const address = delivery.address;
    return {
      id: delivery.id,
      order_id: delivery.orderId,
      user_id: delivery.userId,
      address: {
        street: address.street,
        city: address.city,
        postal_code: address.postalCode,
        country: address.country,
      },
      carrier: delivery.carrier,
      tracking_number: delivery.trackingNumber,
      status: delivery.status,
      estimated_delivery: delivery.estimatedDelivery.toISOString(),
      created_at: delivery.createdAt.toISOString(),
      updated_at: delivery.updatedAt.toISOString(),
    };
  },

  toStop(orderId: string, stop: StopDeliveryResult): StopDeliveryResponseDto {
    return {
      order_id: orderId,
      outcome: stop.outcome,
      delivery: stop.delivery ? DeliveryPresenter.toResponse(stop.delivery) : null,
    };
  },

  toPage(page: DeliveryPage, limit: number, offset: number): DeliveryPageDto {
    return {
      items: page.items.map((delivery) => DeliveryPresenter.toResponse(delivery)),
      total: page.total,
      limit,
      offset,
    };
  },

  /** The public view: what a carrier's tracking page shows, and nothing that identifies anyone. */
  toTracking(delivery: Delivery): TrackingDto {
    const address = delivery.address;
    return {
      tracking_number: delivery.trackingNumber,
      carrier: delivery.carrier,
      status: delivery.status,
      estimated_delivery: delivery.estimatedDelivery.toISOString(),
      destination: { city: address.city, country: address.country },
      updated_at: delivery.updatedAt.toISOString(),
    };
  },
};
