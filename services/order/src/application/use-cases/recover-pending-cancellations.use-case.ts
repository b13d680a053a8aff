import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { PendingCancellations } from '../../domain/repositories/pending-cancellations.repository';
import { OrderCancellation } from '../order-cancellation';
import { OrderSettings } from '../order-settings';
import { GoodsDispatch } from '../ports/goods-dispatch.port';

/** Pending cancellations taken up per pass; the next pass takes the rest. */
const BATCH = 20;

export interface RecoveryReport {
  examined: number;
  cancelled: number;
  /** delivery said the goods left: the cancel is dropped, the order ships */
  left: number;
  /** the order was not `pagada` any more (finished meanwhile): the row is dropped */
  dropped: number;
  /** delivery could not answer, or the database failed: due again after the lease */
  failed: number;
}

/**
 * Finishes paid orders' cancels that their request did not finish (the process died after
 * delivery stopped the goods; delivery did not answer, 503): rows of `pending_cancellations`
 * due (ORDER_CANCEL_RECOVERY_AFTER_MS after the request) are claimed in a small batch with a
 * lease (FOR UPDATE SKIP LOCKED, so replicas running passes at once split them), delivery is
 * asked again to stop the goods (idempotent), and the cancel completes exactly as the request
 * would have: cancelled with the requester's cause, or dropped because the goods left. A row
 * whose order is no longer `pagada` is dropped. Nothing is held locked while delivery answers.
 */
@Injectable()
export class RecoverPendingCancellationsUseCase {
  private readonly logger = new Logger(RecoverPendingCancellationsUseCase.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly pending: PendingCancellations,
    private readonly cancellation: OrderCancellation,
    private readonly goods: GoodsDispatch,
    private readonly settings: OrderSettings,
  ) {}

  async execute(now = new Date()): Promise<RecoveryReport> {
    const leaseUntil = new Date(now.getTime() + this.settings.cancelRecoveryAfterMs);
    const due = await this.uow.run(() => this.pending.claimDue(now, leaseUntil, BATCH));
    const report: RecoveryReport = { examined: 0, cancelled: 0, left: 0, dropped: 0, failed: 0 };
    for (const row of due) {
      report.examined += 1;
      try {
        const order = await this.orders.findById(row.orderId);
        if (!order || order.status !== 'pagada') {
          await this.uow.run(() => this.pending.remove(row.orderId));
          report.dropped += 1;
          continue;
        }
        const done = await this.cancellation.complete(
          row.orderId,
          await this.goods.stop(row.orderId),
        );
        if (done.kind === 'cancelled') report.cancelled += 1;
        else if (done.kind === 'left') report.left += 1;
        else report.dropped += 1;
        this.logger.log(
          { order_id: row.orderId, outcome: done.kind, attempts: row.attempts },
          'an unfinished cancel was finished by recovery',
        );
      } catch (error) {
        report.failed += 1;
        this.logger.warn(
          {
            order_id: row.orderId,
            attempts: row.attempts,
            err_class: error instanceof Error ? error.constructor.name : typeof error,
          },
          'recovering an unfinished cancel failed; the next pass after its lease retries',
        );
      }
    }
    return report;
  }
}
