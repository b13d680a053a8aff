import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

@Entity('outbox_messages')
@Index('idx_outbox_due', ['status', 'nextAttemptAt'])
@Index('idx_outbox_order', ['aggregateId', 'destination', 'sequence'])
export class OutboxMessageOrmEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** insertion order; delivery order within an aggregate and destination */
  @Column({ type: 'bigint', generated: 'increment', insert: false, update: false })
  sequence: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'aggregate_id', type: 'text' })
  aggregateId: string;

  @Column({ type: 'text' })
  destination: string;

  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'text', default: 'pending' })
  status: OutboxStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** a short reason (HTTP status, "unavailable"), never a response body */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
