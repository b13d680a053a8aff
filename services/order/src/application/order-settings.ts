/** What the use cases read from configuration; the module binds it to the validated OrderConfig. */
export abstract class OrderSettings {
  /** ORDER_PAYMENT_TIMEOUT_SECONDS: an order still `creada` this long after it was placed expires */
  abstract readonly paymentTimeoutSeconds: number;
  /** ORDER_EXPIRY_BATCH_SIZE: orders claimed and cancelled per transaction of an expiry pass */
  abstract readonly expiryBatchSize: number;
  /**
   * ORDER_CANCEL_RECOVERY_AFTER_MS: a paid order's cancel still unfinished this long after it
   * was asked for is taken over by recovery (its request died or got no answer from delivery);
   * also the lease of one recovery attempt.
   */
  abstract readonly cancelRecoveryAfterMs: number;
}
