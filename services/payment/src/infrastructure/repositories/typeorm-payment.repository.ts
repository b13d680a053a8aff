import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { writeInTransaction } from '@app/platform';
import { Payment } from '../../domain/entities/payment';
import { CHARGE_HOLDING_STATUSES, PaymentStatus } from '../../domain/entities/payment-status';
import {
  InsertResult,
  PaymentListCriteria,
  PaymentPage,
  PaymentRepository,
} from '../../domain/repositories/payment.repository';
import { PaymentOrmEntity } from '../database/payment.orm-entity';
import { PaymentMapper } from './payment.mapper';

const HOLDING = CHARGE_HOLDING_STATUSES.map((status) => `'${status}'`).join(', ');

@Injectable()
export class TypeormPaymentRepository extends PaymentRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  private get manager(): EntityManager {
    return this.txHost.tx;
  }

  async insertIfOrderFree(payment: Payment): Promise<InsertResult> {
    const row = PaymentMapper.toOrm(payment);
    // A holder found by the conflict may be declined before we read it; then the order is free
    // again and the insert is simply tried once more.
    for (let attempt = 0; attempt < 3; attempt++) {
      // The partial unique index decides: a concurrent insert for the same order waits for the
      // other to commit, then does nothing. No exception, so no aborted transaction either.
      const inserted: unknown[] = await this.manager.query(
        `INSERT INTO payments (id, order_id, user_id, amount, currency, payment_method, status,
           gateway, gateway_reference, card_last4, card_brand, failure_reason, approval_url,
           refund_reference, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (order_id) WHERE status IN (${HOLDING}) DO NOTHING
         RETURNING id`,
        [
          row.id,
          row.orderId,
          row.userId,
          row.amount,
          row.currency,
          row.paymentMethod,
          row.status,
          row.gateway,
          row.gatewayReference,
          row.cardLast4,
          row.cardBrand,
          row.failureReason,
          row.approvalUrl,
          row.refundReference,
          row.createdAt,
          row.updatedAt,
        ],
      );
      if (inserted.length === 1) return { inserted: true };
      const holders: Array<{ id: string; status: PaymentStatus }> = await this.manager.query(
        `SELECT id, status FROM payments WHERE order_id = $1 AND status IN (${HOLDING})`,
        [row.orderId],
      );
      if (holders.length > 0) return { inserted: false, holder: holders[0] };
    }
    throw new Error(`payment for order ${row.orderId} neither inserted nor blocked`);
  }

  /** Sent with the transaction's next statement, its COMMIT at the latest (one round trip). */
  async save(payment: Payment): Promise<void> {
    const row = PaymentMapper.toOrm(payment);
    await writeInTransaction(
      this.txHost,
      `UPDATE payments SET status = $2, gateway_reference = $3, failure_reason = $4,
         approval_url = $5, refund_reference = $6, updated_at = $7
       WHERE id = $1`,
      [
        row.id,
        row.status,
        row.gatewayReference,
        row.failureReason,
        row.approvalUrl,
        row.refundReference,
        row.updatedAt,
      ],
    );
  }

  // Fixed SQL for the reads of a payment's path (TypeORM's query building and hydration were
  // a tenth of this service's CPU in the checkout bench); the rows have the entity's shape.
  findById(id: string): Promise<Payment | null> {
    return this.one(`${SELECT_PAYMENT} WHERE id = $1`, [id]);
  }

  findByIdForUpdate(id: string): Promise<Payment | null> {
    return this.one(`${SELECT_PAYMENT} WHERE id = $1 FOR UPDATE`, [id]);
  }

  findChargeOfOrder(orderId: string): Promise<Payment | null> {
    return this.one(`${SELECT_PAYMENT} WHERE order_id = $1 AND status = ANY($2::varchar[])`, [
      orderId,
      [...CHARGE_HOLDING_STATUSES],
    ]);
  }

  private async one(sql: string, params: unknown[]): Promise<Payment | null> {
    const rows: PaymentOrmEntity[] = await this.manager.query(sql, params);
    return rows.length === 0 ? null : PaymentMapper.toDomain(rows[0]);
  }

  async list(criteria: PaymentListCriteria): Promise<PaymentPage> {
    const query = this.manager.createQueryBuilder(PaymentOrmEntity, 'p');
    if (criteria.userId) query.andWhere('p.user_id = :userId', { userId: criteria.userId });
    if (criteria.orderId) query.andWhere('p.order_id = :orderId', { orderId: criteria.orderId });
    if (criteria.status) query.andWhere('p.status = :status', { status: criteria.status });
    const [rows, total] = await query
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .take(criteria.limit)
      .skip(criteria.offset)
      .getManyAndCount();
    return { items: rows.map((row) => PaymentMapper.toDomain(row)), total };
  }

  async findPendingCreatedBefore(cutoff: Date, limit: number): Promise<Payment[]> {
    const rows = await this.manager.find(PaymentOrmEntity, {
      where: { status: 'pendiente', createdAt: LessThanOrEqual(cutoff) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
    });
    return rows.map((row) => PaymentMapper.toDomain(row));
  }
}

const SELECT_PAYMENT = `SELECT id, order_id AS "orderId", user_id AS "userId", amount::text AS amount,
    currency, payment_method AS "paymentMethod", status, gateway,
    gateway_reference AS "gatewayReference", card_last4 AS "cardLast4", card_brand AS "cardBrand",
    failure_reason AS "failureReason", approval_url AS "approvalUrl",
    refund_reference AS "refundReference", created_at AS "createdAt", updated_at AS "updatedAt"
  FROM payments`;
