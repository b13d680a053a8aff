import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'processed_messages' })
export class ProcessedMessageOrmEntity {
  @PrimaryColumn({ name: 'message_id', type: 'uuid' })
  messageId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
