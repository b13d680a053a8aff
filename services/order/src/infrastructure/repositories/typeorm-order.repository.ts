import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EntityManager, In } from 'typeorm';
import { writeInTransaction } from '@app/platform';
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
import {
  INSERT_ORDER,
  SAVE_ORDER_CHANGES,
  SELECT_ORDER,
  SELECT_ORDER_WITH_HISTORY_FOR_UPDATE,
  eventColumns,
} from './order.sql';

@Injectable()
export class TypeormOrderRepository extends OrderRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  private get manager(): EntityManager {
    return this.txHost.tx;
  }

  /**
   * The order, its lines and its first events: one statement, sent with the transaction's next
   * statement (its COMMIT at the latest): one round trip.
   */
  async insert(order: Order): Promise<void> {
    const events = order.pullNewEvents();
    const row = OrderMapper.toOrm(order);
    const items = OrderMapper.toItemRows(order);
    await writeInTransaction(this.txHost, INSERT_ORDER, [
      row.id,
      row.userId,
      row.status,
      row.total,
      row.shippingAddress === null ? null : JSON.stringify(row.shippingAddress),
      row.createdAt,
      row.updatedAt,
      items.map((item) => item.productId),
      items.map((item) => item.name),
      items.map((item) => item.unitPrice),
      items.map((item) => item.quantity),
      items.map((item) => item.subtotal),
      ...eventColumns(events),
    ]);
  }

  /**
   * The status and the events that explain it: one statement. The events continue the order's
   * history; callers hold the order's row lock, and UNIQUE (order_id, sequence) backs that up.
   * Sent with the transaction's next statement, like insert.
   */
  async saveChanges(order: Order): Promise<void> {
    const events = order.pullNewEvents();
    await writeInTransaction(this.txHost, SAVE_ORDER_CHANGES, [
      order.id,
      order.status,
      order.updatedAt,
      ...eventColumns(events),
    ]);
  }

  findById(id: string): Promise<Order | null> {
    return this.one(`${SELECT_ORDER} WHERE o.id = $1`, [id]);
  }

  /**
   * One statement: the lines are never changed after the order's insert, so the subquery's
   * snapshot (older than the lock when the statement waited for it) reads them right.
   */
  findByIdForUpdate(id: string): Promise<Order | null> {
    return this.one(`${SELECT_ORDER} WHERE o.id = $1 FOR UPDATE OF o`, [id]);
  }

  async findByIdForUpdateWithHistory(
    id: string,
  ): Promise<{ order: Order; history: OrderEvent[] } | null> {
    type Row = OrderOrmEntity & {
      items: OrderItemOrmEntity[];
      events: Array<OrderEventOrmEntity & { occurredAt: string }>;
      unchanged: boolean;
    };
    const [row]: Row[] = await this.manager.query(SELECT_ORDER_WITH_HISTORY_FOR_UPDATE, [id]);
    if (!row) return null;
    const order = OrderMapper.toDomain(row, row.items);
    // changed after the snapshot (the statement waited for the lock): the history again
    if (!row.unchanged) return { order, history: await this.eventsOf(id) };
    const history = row.events.map((event) =>
      OrderMapper.eventToDomain({ ...event, occurredAt: new Date(event.occurredAt) }),
    );
    return { order, history };
  }

  private async one(sql: string, params: unknown[]): Promise<Order | null> {
    const rows: Array<OrderOrmEntity & { items: OrderItemOrmEntity[] }> = await this.manager.query(
      sql,
      params,
    );
    return rows.length === 0 ? null : OrderMapper.toDomain(rows[0], rows[0].items);
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
