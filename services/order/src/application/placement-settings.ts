/** How placements are recovered (from ORDER_PLACEMENT_* in the order's config). */
export class PlacementSettings {
  constructor(
    /**
     * A placement still running after this long is presumed dead (its process crashed) and its
     * reservation released. Longer than the slowest placement, so that a live one is never taken
     * over; it is also the lease of whoever is releasing a placement's stock.
     */
    readonly timeoutSeconds: number,
    /** placements taken per recovery pass */
    readonly batchSize: number,
  ) {}
}
