import { StockLine } from './product-catalog.port';

/** An order being placed: the intent recorded before its stock is reserved. */
export interface Placement {
  orderId: string;
  userId: string;
  items: StockLine[];
}

/**
 * The placements in progress (docs/saga.md). A placement is recorded, and committed, before the
 * product service is asked to reserve stock for it, so a crash at any later point leaves a
 * record behind: either the order's own transaction deletes it (the order exists and owns the
 * reservation), or someone gives the reservation back and then deletes it. A record is
 * `placing` (its request is running) or `abandoning` (its reservation is being given back).
 *
 * Apart from `complete`, every method commits on its own (never in the caller's unit of work):
 * what it records must survive the caller's rollback.
 */
export abstract class OrderPlacements {
  /** Records a placement as `placing`; recovery may take it over after `recoverAfterSeconds`. */
  abstract begin(placement: Placement, recoverAfterSeconds: number): Promise<void>;

  /**
   * In the caller's unit of work (the order's transaction), first: deletes the record if it is
   * still `placing`, holding its lock until the transaction ends. false: recovery took the
   * placement over (or gave it back already), so the order must not be stored.
   */
  abstract complete(orderId: string): Promise<boolean>;

  /**
   * Takes the placement over to give its stock back: `abandoning`, out of recovery's reach for
   * `leaseSeconds`. true when the record existed; false when it is gone: the order was stored
   * (its transaction deleted it), or the placement was compensated already.
   */
  abstract abandon(orderId: string, leaseSeconds: number): Promise<boolean>;

  /**
   * Claims at most `limit` placements due for recovery: `placing` ones older than their
   * `recoverAfterSeconds`, and `abandoning` ones whose lease ran out or whose release failed.
   * Each comes back `abandoning` and leased for `leaseSeconds`: concurrent claimers (several
   * instances) never get the same placement.
   */
  abstract claimDue(limit: number, leaseSeconds: number): Promise<Placement[]>;

  /** Its release failed: due again at the next recovery pass (it stays `abandoning`). */
  abstract retryNextPass(orderId: string): Promise<void>;

  /** Its stock was given back (or never taken): the placement is over. */
  abstract remove(orderId: string): Promise<void>;
}
