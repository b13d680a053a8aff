import { Injectable, Logger } from '@nestjs/common';
import { PlacementSettings } from '../placement-settings';
import { OrderPlacements } from '../ports/order-placements.port';
import { ProductCatalog } from '../ports/product-catalog.port';

export interface RecoveryPass {
  /** placements whose stock was given back (or found never taken) in this pass */
  released: string[];
  /** placements whose release failed: tried again at the next pass */
  failed: string[];
}

/**
 * The compensation that is never lost (docs/saga.md): placements whose request died (a crash, a
 * placement outliving ORDER_PLACEMENT_TIMEOUT_SECONDS) or whose own release failed are claimed,
 * their reservation released at the product service (idempotent, and a tombstone when there was
 * none, which refuses a reservation still on its way), and forgotten. A release that fails
 * leaves the placement for the next pass, as long as it takes the product service to answer.
 */
@Injectable()
export class RecoverPlacementsUseCase {
  private readonly logger = new Logger(RecoverPlacementsUseCase.name);

  constructor(
    private readonly placements: OrderPlacements,
    private readonly catalog: ProductCatalog,
    private readonly settings: PlacementSettings,
  ) {}

  async execute(): Promise<RecoveryPass> {
    const due = await this.placements.claimDue(
      this.settings.batchSize,
      this.settings.timeoutSeconds,
    );
    const pass: RecoveryPass = { released: [], failed: [] };
    for (const placement of due) {
      try {
        await this.catalog.releaseStock(placement.orderId);
      } catch (error) {
        pass.failed.push(placement.orderId);
        await this.placements.retryNextPass(placement.orderId);
        this.logger.warn(
          {
            order_id: placement.orderId,
            err_class: error instanceof Error ? error.constructor.name : typeof error,
          },
          'Stock of an abandoned placement not released yet; retrying at the next pass',
        );
        continue;
      }
      await this.placements.remove(placement.orderId);
      pass.released.push(placement.orderId);
      this.logger.log(
        { order_id: placement.orderId },
        'Stock of an abandoned placement given back; no order was stored',
      );
    }
    return pass;
  }
}
