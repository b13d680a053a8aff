/** What the delivery service answers when asked to stop an order's goods. */
export type StopVerdict = 'stopped' | 'left';

/**
 * The delivery service as a paid order's cancel needs it: it is the authority on whether the
 * goods left. `stop` answers `stopped` (they will not leave: a pending shipment was cancelled,
 * or none will be opened) or `left` (on their way or delivered). Idempotent: asking again after
 * a timeout or a crash answers the same. Throws the platform's UpstreamUnavailableError (503)
 * when delivery cannot answer; whether the stop took effect is then unknown.
 */
export abstract class GoodsDispatch {
  abstract stop(orderId: string): Promise<StopVerdict>;
}
