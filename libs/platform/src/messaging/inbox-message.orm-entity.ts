import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('inbox_messages')
export class InboxMessageOrmEntity {
  @PrimaryColumn({ type: 'text', default: '' })
  consumer: string;

  @PrimaryColumn({ name: 'message_id', type: 'uuid' })
  messageId: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
