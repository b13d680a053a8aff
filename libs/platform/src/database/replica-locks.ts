import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ifAdvisoryLockFree } from './advisory-lock';

/**
 * Work that one replica at a time does (a periodic pass whose steps are not claimed row by
 * row): skipped in this process while another replica runs it. Needs the service's database.
 */
@Injectable()
export class ReplicaLocks {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` unless another replica holds `name`; false when skipped. */
  runIfFree(name: string, work: () => Promise<unknown>): Promise<boolean> {
    return ifAdvisoryLockFree(this.dataSource, name, work);
  }
}
