import { DomainError } from './domain-error';

// Port for "run this use case atomically". Use cases own their transactions through it;
// the platform's TypeORM adapter makes every repository call inside `run` join the transaction.

export interface UnitOfWorkOptions {
  /**
   * The work may run again when the database connection drops before the commit (a failover,
   * a pooler restart): then the transaction certainly did not commit, and running it again
   * beats answering 503. Only for work that does nothing but read and write this service's
   * database and loads inside what it changes: no call to another service or gateway, no
   * object built outside and mutated inside (facts pulled from an aggregate are gone after the
   * first run). A drop during the commit itself is never rerun: whether it committed is unknown.
   */
  rerunOnConnectionLoss?: boolean;
}

export abstract class UnitOfWork {
  /** Rejects with UnitOfWorkInterrupted when the database connection is lost on the way. */
  abstract run<T>(work: () => Promise<T>, options?: UnitOfWorkOptions): Promise<T>;
}

/**
 * A unit of work lost its database connection (a failover, a pooler restart, a terminated
 * session): 503, worth retrying shortly. `maybeCommitted` when the drop came during the COMMIT:
 * the change may have landed, so only work that is idempotent may simply be run again.
 */
export class UnitOfWorkInterrupted extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'upstream_unavailable';
  override readonly retryAfterSeconds = 1;

  constructor(readonly maybeCommitted: boolean) {
    super('This service could not reach its database. Try again shortly.');
  }
}
