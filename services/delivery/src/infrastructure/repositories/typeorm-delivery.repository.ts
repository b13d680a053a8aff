import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { writeInTransaction } from '@app/platform';
import { EntityManager } from 'typeorm';
import { Delivery } from '../../domain/entities/delivery';
import { DeliveryStatus } from '../../domain/entities/delivery-status';
import {
  DeliveryListCriteria,
  DeliveryPage,
  DeliveryRepository,
  InsertOutcome,
} from '../../domain/repositories/delivery.repository';
import { DeliveryOrmEntity } from '../database/delivery.orm-entity';
import { DeliveryMapper } from './delivery.mapper';

/** Advisory lock namespace of "one order's delivery" ('deli' in ASCII); the key is the order id's hash. */
const ORDER_LOCK_NAMESPACE = 0x64656c69;

/** pg answers an INSERT ... RETURNING through TypeORM as rows. */
function rowsOf(result: unknown): unknown[] {
  return Array.isArray(result) ? result : [];
}

@Injectable()
export class TypeormDeliveryRepository extends DeliveryRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  private get manager(): EntityManager {
    return this.txHost.tx;
  }

  async lockOrder(orderId: string): Promise<void> {
    // Transaction-scoped: released at commit or rollback. A hash collision between two orders
    // only makes them wait for each other, never lets two changes of one order interleave.
    // Sent with the transaction's next statement: the lock is taken before that statement runs.
    await writeInTransaction(this.txHost, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, [
      ORDER_LOCK_NAMESPACE,
      orderId.toLowerCase(),
    ]);
  }

  async insertIfAbsent(delivery: Delivery): Promise<InsertOutcome> {
    const row = DeliveryMapper.toOrm(delivery);
    // No conflict target: both unique indexes (order, tracking number) are arbiters. A concurrent
    // insert for the same order waits for the other transaction, then does nothing.
    const inserted = rowsOf(
      await this.manager.query(
        `INSERT INTO deliveries
           (id, order_id, user_id, street, city, postal_code, country, carrier, tracking_number,
            status, estimated_delivery, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [
          row.id,
          row.orderId,
          row.userId,
          row.street,
          row.city,
          row.postalCode,
          row.country,
          row.carrier,
          row.trackingNumber,
          row.status,
          row.estimatedDelivery,
          row.createdAt,
          row.updatedAt,
        ],
      ),
    );
    if (inserted.length === 1) return 'inserted';
    const forOrder = await this.manager.exists(DeliveryOrmEntity, {
      where: { orderId: row.orderId },
    });
    return forOrder ? 'order_has_delivery' : 'tracking_number_taken';
  }

  async saveMove(delivery: Delivery, from: DeliveryStatus): Promise<boolean> {
    // The status condition is in the UPDATE itself: PostgreSQL re-checks it on the newest row
    // version after waiting for a concurrent writer, so of two moves from one status one wins.
    const result = await this.manager.update(
      DeliveryOrmEntity,
      { id: delivery.id, status: from },
      { status: delivery.status, updatedAt: delivery.updatedAt },
    );
    return result.affected === 1;
  }

  async findById(id: string): Promise<Delivery | null> {
    const row = await this.manager.findOne(DeliveryOrmEntity, { where: { id } });
    return row ? DeliveryMapper.toDomain(row) : null;
  }

  async findByIdForUpdate(id: string): Promise<Delivery | null> {
    const row = await this.manager
      .createQueryBuilder(DeliveryOrmEntity, 'd')
      .where('d.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    return row ? DeliveryMapper.toDomain(row) : null;
  }

  async findByOrderId(orderId: string): Promise<Delivery | null> {
    const row = await this.manager.findOne(DeliveryOrmEntity, { where: { orderId } });
    return row ? DeliveryMapper.toDomain(row) : null;
  }

  async findByOrderIdForUpdate(orderId: string): Promise<Delivery | null> {
    const row = await this.manager
      .createQueryBuilder(DeliveryOrmEntity, 'd')
      .where('d.order_id = :orderId', { orderId })
      .setLock('pessimistic_write')
      .getOne();
    return row ? DeliveryMapper.toDomain(row) : null;
  }

  async findByTrackingNumber(trackingNumber: string): Promise<Delivery | null> {
    const row = await this.manager.findOne(DeliveryOrmEntity, { where: { trackingNumber } });
    return row ? DeliveryMapper.toDomain(row) : null;
  }

  async list(criteria: DeliveryListCriteria): Promise<DeliveryPage> {
    const query = this.manager.createQueryBuilder(DeliveryOrmEntity, 'd');
    if (criteria.userId !== undefined)
      query.andWhere('d.user_id = :userId', { userId: criteria.userId });
    if (criteria.orderId !== undefined)
      query.andWhere('d.order_id = :orderId', { orderId: criteria.orderId });
    if (criteria.status !== undefined)
      query.andWhere('d.status = :status', { status: criteria.status });
    const [rows, total] = await Promise.all([
      query
        .clone()
        .orderBy('d.created_at', 'DESC')
        .addOrderBy('d.id', 'DESC')
        .limit(criteria.limit)
        .offset(criteria.offset)
        .getMany(),
      query.getCount(),
    ]);
    return { items: rows.map((row) => DeliveryMapper.toDomain(row)), total };
  }
}
