import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of `pending_cancellations`: paid orders' cancels not finished yet. */
@Entity({ name: 'pending_cancellations' })
export class PendingCancellationOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'varchar', length: 200 })
  cause: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  @Column({ type: 'integer' })
  attempts: number;
}
