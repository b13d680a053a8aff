/** What the use cases read from configuration; the module binds it to the validated DeliveryConfig. */
export abstract class DeliverySettings {
  /** DELIVERY_CARRIER: the carrier new deliveries are handed to */
  abstract readonly carrier: string;
  /** DELIVERY_ESTIMATE_DAYS: estimated_delivery = creation + this many days */
  abstract readonly estimateDays: number;
}
