import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { TransactionalEntityManager } from './transactional-entity-manager';

@Injectable()
export class TypeormUnitOfWork extends UnitOfWork {
  constructor(private readonly tx: TransactionalEntityManager) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.tx.run(work);
  }
}
