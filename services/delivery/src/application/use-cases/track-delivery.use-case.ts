import { Injectable } from '@nestjs/common';
import { Delivery } from '../../domain/entities/delivery';
import { TrackingNumberNotFound } from '../../domain/errors/delivery.errors';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';

/**
 * The public tracking lookup (no token). Returns the whole delivery; the presenter shows only
 * what a tracking page may (never the street, the order or the user).
 */
@Injectable()
export class TrackDeliveryUseCase {
  constructor(private readonly deliveries: DeliveryRepository) {}

  async execute(trackingNumber: string): Promise<Delivery> {
    const delivery = await this.deliveries.findByTrackingNumber(trackingNumber);
    if (!delivery) throw new TrackingNumberNotFound(trackingNumber);
    return delivery;
  }
}
