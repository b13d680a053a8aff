import { Delivery } from '../../domain/entities/delivery';
import { DeliveryStatus } from '../../domain/entities/delivery-status';
import { DeliveryOrmEntity } from '../database/delivery.orm-entity';

export const DeliveryMapper = {
  toDomain(row: DeliveryOrmEntity): Delivery {
    return Delivery.restore({
      id: row.id,
      orderId: row.orderId,
      userId: row.userId,
      address: {
        street: row.street,
        city: row.city,
        postalCode: row.postalCode,
        country: row.country,
      },
      carrier: row.carrier,
      trackingNumber: row.trackingNumber,
      status: row.status as DeliveryStatus,
      estimatedDelivery: row.estimatedDelivery,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  },

  toOrm(delivery: Delivery): DeliveryOrmEntity {
    const row = new DeliveryOrmEntity();
    const address = delivery.address;
    row.id = delivery.id;
    row.orderId = delivery.orderId;
    row.userId = delivery.userId;
    row.street = address.street;
    row.city = address.city;
    row.postalCode = address.postalCode;
    row.country = address.country;
    row.carrier = delivery.carrier;
    row.trackingNumber = delivery.trackingNumber;
    row.status = delivery.status;
    row.estimatedDelivery = delivery.estimatedDelivery;
    row.createdAt = delivery.createdAt;
    row.updatedAt = delivery.updatedAt;
    return row;
  },
};
