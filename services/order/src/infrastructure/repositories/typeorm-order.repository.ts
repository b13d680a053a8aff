import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EntityManager, In } from 'typeorm';
import { Order } from '../../domain/entities/order';
import { OrderEvent } from '../../domain/entities/order-event';
import {
  OrderListCriteria,
  OrderPage,
  OrderRepository,
} from '../../domain/repositories/order.repository';
import { OrderEventOrmEntity } from '../database/order-event.orm-entity';
import { OrderItemOrmEntity } from '../database/order-item.orm-entity';
import { OrderOrmEntity } from '../database/order.orm-entity';
import { OrderMapper } from './order.mapper';

@Injectable()
export class TypeormOrderRepository extends OrderRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  private get manager(): EntityManager {
    return this.txHost.tx;
  }

  async insert(order: Order): Promise<void> {
    const events = order.pullNewEvents();
    await this.manager.insert(OrderOrmEntity, OrderMapper.toOrm(order));
    await this.manager.insert(OrderItemOrmEntity, OrderMapper.toItemRows(order));
    await this.appendEvents(order.id, events);
  }

  async saveChanges(order: Order): Promise<void> {
    const events = order.pullNewEvents();
    await this.manager.update(
      OrderOrmEntity,
      { id: order.id },
      { status: order.status, updatedAt: order.updatedAt },
    );
    await this.appendEvents(order.id, events);
  }

  /**
   * Insert-only. The sequence continues the order's history; callers hold the order's row lock
   * (or created the order in this transaction), and UNIQUE (order_id, sequence) backs that up.
   */
  private async appendEvents(orderId: string, events: OrderEvent[]): Promise<void> {
    for (const event of events) {
      await this.manager.query(
        `INSERT INTO order_events
           (id, order_id, sequence, type, status, cause, occurred_at, message_id, payment_id, delivery_id)
         SELECT $1, $2, COALESCE(MAX(sequence), 0) + 1, $3, $4, $5, $6, $7, $8, $9
           FROM order_events WHERE order_id = $2`,
        [
          event.id,
          orderId,
          event.type,
          event.status,
          event.cause,
          event.occurredAt,
          event.messageId,
          event.paymentId,
          event.deliveryId,
        ],
      );
    }
  }

  async findById(id: string): Promise<Order | null> {
    const row = await this.manager.findOne(OrderOrmEntity, { where: { id } });
    return row ? this.withItems(row) : null;
  }

  async findByIdForUpdate(id: string): Promise<Order | null> {
    const row = await this.manager
      .createQueryBuilder(OrderOrmEntity, 'o')
      .where('o.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    return row ? this.withItems(row) : null;
  }

  async claimUnpaidPlacedBefore(cutoff: Date, limit: number): Promise<Order[]> {
    // SKIP LOCKED: an order another transaction holds (a payment's fact applying, another
    // replica's expiry batch) is left to it. Under READ COMMITTED, PostgreSQL re-checks the
    // WHERE on the newest version of a row it locks, so an order paid meanwhile is not returned.
    const rows = await this.manager
      .createQueryBuilder(OrderOrmEntity, 'o')
      .where('o.status = :status', { status: 'creada' })
      .andWhere('o.created_at < :cutoff', { cutoff })
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    if (rows.length === 0) return [];
    return this.withItemsOf(rows);
  }

  private async withItemsOf(rows: OrderOrmEntity[]): Promise<Order[]> {
    const items = await this.manager.find(OrderItemOrmEntity, {
      where: { orderId: In(rows.map((row) => row.id)) },
      order: { lineNo: 'ASC' },
    });
    const byOrder = new Map<string, OrderItemOrmEntity[]>();
    for (const item of items) {
      const list = byOrder.get(item.orderId) ?? [];
      list.push(item);
      byOrder.set(item.orderId, list);
    }
    return rows.map((row) => OrderMapper.toDomain(row, byOrder.get(row.id) ?? []));
  }

  private async withItems(row: OrderOrmEntity): Promise<Order> {
    const items = await this.manager.find(OrderItemOrmEntity, {
      where: { orderId: row.id },
      order: { lineNo: 'ASC' },
    });
    return OrderMapper.toDomain(row, items);
  }

  async list(criteria: OrderListCriteria): Promise<OrderPage> {
    const query = this.manager.createQueryBuilder(OrderOrmEntity, 'o');
    if (criteria.userId !== undefined)
      query.andWhere('o.user_id = :userId', { userId: criteria.userId });
    if (criteria.status !== undefined)
      query.andWhere('o.status = :status', { status: criteria.status });
    const [rows, total] = await Promise.all([
      query
        .clone()
        .orderBy('o.created_at', 'DESC')
        .addOrderBy('o.id', 'DESC')
        .limit(criteria.limit)
        .offset(criteria.offset)
        .getMany(),
      query.getCount(),
    ]);
    if (rows.length === 0) return { items: [], total };
    return { items: await this.withItemsOf(rows), total };
  }

  async eventsOf(orderId: string): Promise<OrderEvent[]> {
    const rows = await this.manager.find(OrderEventOrmEntity, {
      where: { orderId },
      order: { sequence: 'ASC' },
    });
    return rows.map((row) => OrderMapper.eventToDomain(row));
  }
}
