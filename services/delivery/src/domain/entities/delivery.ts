import { randomUUID } from 'node:crypto';
import { IllegalDeliveryTransition, InvalidDelivery } from '../errors/delivery.errors';
import { DeliveryStatus, canTransition } from './delivery-status';
import { TrackingNumber } from './tracking-number';

export const ADDRESS_LIMITS = { street: 200, city: 100, postalCode: 20 } as const;
export const CARRIER_MAX = 100;
export const ESTIMATE_DAYS_MAX = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface DeliveryAddress {
  street: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case */
  country: string;
}

export interface DeliveryState {
  id: string;
  orderId: string;
  userId: string;
  address: DeliveryAddress;
  carrier: string;
  trackingNumber: string;
  status: DeliveryStatus;
  estimatedDelivery: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface OpenDeliveryInput {
  orderId: string;
  userId: string;
  address: DeliveryAddress;
  carrier: string;
  /** days from now to the estimated delivery */
  estimateDays: number;
  /** a fresh random one when absent */
  trackingNumber?: string;
}

/**
 * The shipment of one order. It starts `pendiente` with a tracking number and an estimated
 * delivery date, and moves only along the transition table.
 */
export class Delivery {
  private constructor(private state: DeliveryState) {}

  static open(input: OpenDeliveryInput, now = new Date()): Delivery {
    const address = Delivery.checkedAddress(input.address);
    const carrier = input.carrier.trim();
    if (carrier.length === 0 || carrier.length > CARRIER_MAX) {
      throw new InvalidDelivery('carrier', `carrier must be 1 to ${CARRIER_MAX} characters`);
    }
    if (
      !Number.isInteger(input.estimateDays) ||
      input.estimateDays < 0 ||
      input.estimateDays > ESTIMATE_DAYS_MAX
    ) {
      throw new InvalidDelivery(
        'estimate_days',
        `estimate_days must be an integer from 0 to ${ESTIMATE_DAYS_MAX}`,
      );
    }
    const trackingNumber = input.trackingNumber ?? TrackingNumber.generate();
    if (!TrackingNumber.isValid(trackingNumber)) {
      throw new InvalidDelivery('tracking_number', `not a tracking number: ${trackingNumber}`);
    }
    return new Delivery({
      id: randomUUID(),
      orderId: input.orderId,
      userId: input.userId,
      address,
      carrier,
      trackingNumber,
      status: 'pendiente',
      estimatedDelivery: new Date(now.getTime() + input.estimateDays * DAY_MS),
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Rebuild from storage: the data was valid when written, so no re-validation. */
  static restore(state: DeliveryState): Delivery {
    return new Delivery({ ...state, address: { ...state.address } });
  }

  get id(): string {
    return this.state.id;
  }
  get orderId(): string {
    return this.state.orderId;
  }
  get userId(): string {
    return this.state.userId;
  }
  get address(): DeliveryAddress {
    return { ...this.state.address };
  }
  get carrier(): string {
    return this.state.carrier;
  }
  get trackingNumber(): string {
    return this.state.trackingNumber;
  }
  get status(): DeliveryStatus {
    return this.state.status;
  }
  get estimatedDelivery(): Date {
    return this.state.estimatedDelivery;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get updatedAt(): Date {
    return this.state.updatedAt;
  }

  isOwnedBy(userId: string): boolean {
    return this.state.userId.toLowerCase() === userId.toLowerCase();
  }

  /** Strictly by the table: anything else, the same status included, is IllegalDeliveryTransition. */
  transitionTo(target: DeliveryStatus, now = new Date()): void {
    if (!canTransition(this.state.status, target)) {
      throw new IllegalDeliveryTransition(this.state.status, target);
    }
    this.state = { ...this.state, status: target, updatedAt: now };
  }

  /** The parcel is on its way or delivered: nothing can call it back any more. */
  hasLeft(): boolean {
    return this.state.status === 'en_transito' || this.state.status === 'entregada';
  }

  /**
   * The order was cancelled: a pending delivery is cancelled with it (true). One already on its
   * way, delivered or cancelled stays as it is (false): a parcel in a van cannot be unsent.
   */
  cancelForOrder(now = new Date()): boolean {
    if (this.state.status !== 'pendiente') return false;
    this.transitionTo('cancelada', now);
    return true;
  }

  private static checkedAddress(address: DeliveryAddress): DeliveryAddress {
    const trimmed = {
      street: address.street.trim(),
      city: address.city.trim(),
      postalCode: address.postalCode.trim(),
      country: address.country.trim(),
    };
    const fields: Array<[keyof typeof ADDRESS_LIMITS, string]> = [
      ['street', 'address.street'],
      ['city', 'address.city'],
      ['postalCode', 'address.postal_code'],
    ];
    for (const [key, field] of fields) {
      const length = trimmed[key].length;
      if (length === 0 || length > ADDRESS_LIMITS[key]) {
        throw new InvalidDelivery(field, `${field} must be 1 to ${ADDRESS_LIMITS[key]} characters`);
      }
    }
    if (!/^[A-Z]{2}$/.test(trimmed.country)) {
      throw new InvalidDelivery(
        'address.country',
        'address.country must be an ISO 3166-1 alpha-2 code',
      );
    }
    return trimmed;
  }
}
