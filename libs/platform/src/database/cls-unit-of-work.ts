import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UnitOfWork } from '@app/kernel';

/**
 * Use cases own their transactions through the kernel's port; this adapter opens them with
 * @nestjs-cls/transactional. Repositories read `txHost.tx`: the open transaction's
 * EntityManager inside run(), the DataSource's (autocommit) outside. A run() inside another
 * joins it (Propagation.Required).
 */
@Injectable()
export class ClsUnitOfWork extends UnitOfWork {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.txHost.withTransaction(work);
  }
}
