/**
 * The knobs the use cases need, as plain values (the module builds it from the validated
 * environment, so application code never reads configuration itself).
 */
export class PaymentSettings {
  constructor(
    /** ISO 4217, lower case: what every payment is charged in */
    readonly currency: string,
    /** a pending payment younger than this is left to the request still handling it */
    readonly reconcileMinAgeMs: number,
    /**
     * a payment still pending this long after it started, with no charge at the gateway (never
     * seen, or a buyer who never approved), is declined
     */
    readonly pendingExpiryMs: number,
    /** pending payments looked at per reconciliation pass */
    readonly reconcileBatchSize: number,
    /**
     * how long recording a gateway's answer is retried while the database is unreachable
     * before the answer is given unrecorded (reconciliation records it later)
     */
    readonly recordingRetryMs = 10_000,
  ) {}
}
