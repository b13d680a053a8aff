import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UnitOfWork, UnitOfWorkInterrupted, UnitOfWorkOptions } from '@app/kernel';
import { connectionLossCode, isConnectionLoss } from './connection-loss';

/** Pauses before the reruns of a work whose connection dropped (a fresh one is then taken). */
const RERUN_DELAYS_MS = [50, 250];

/**
 * Use cases own their transactions through the kernel's port; this adapter opens them with
 * @nestjs-cls/transactional. Repositories read `txHost.tx`: the open transaction's
 * EntityManager inside run(), the DataSource's (autocommit) outside. A run() inside another
 * joins it (Propagation.Required); the outermost one handles a lost connection.
 *
 * A lost connection rejects with the kernel's UnitOfWorkInterrupted (503), saying whether it
 * was lost during the COMMIT. With `rerunOnConnectionLoss`, a work whose connection dropped
 * before its COMMIT was sent runs again on a fresh connection first (twice at most):
 * PostgreSQL rolled the transaction back with its session. Once the work has returned, a drop
 * is never rerun: the COMMIT may have landed, and only the caller can tell.
 */
@Injectable()
export class ClsUnitOfWork extends UnitOfWork {
  private readonly logger = new Logger('UnitOfWork');

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async run<T>(work: () => Promise<T>, options: UnitOfWorkOptions = {}): Promise<T> {
    if (this.txHost.isTransactionActive()) return this.txHost.withTransaction(work);
    for (let rerun = 0; ; rerun += 1) {
      let committing = false;
      try {
        return await this.txHost.withTransaction(async () => {
          const result = await work();
          committing = true;
          return result;
        });
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        const code = connectionLossCode(error);
        if (committing || !options.rerunOnConnectionLoss || rerun >= RERUN_DELAYS_MS.length) {
          this.logger.warn(
            { code, during_commit: committing },
            'The database connection dropped inside a transaction',
          );
          throw new UnitOfWorkInterrupted(committing);
        }
        this.logger.warn(
          { code, rerun: rerun + 1 },
          'The database connection dropped inside a transaction; running it again',
        );
        await sleep(RERUN_DELAYS_MS[rerun]);
      }
    }
  }
}
