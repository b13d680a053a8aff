import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { StockReservation } from '../../domain/entities/stock-reservation';
import { StockReservationRepository } from '../../domain/repositories/stock-reservation.repository';
import { StockReservationOrmEntity } from '../database/stock-reservation.orm-entity';

@Injectable()
export class TypeormStockReservationRepository extends StockReservationRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  /** One statement: the reservation and its lines, or nothing when the order has one. */
  async insertIfAbsent(reservation: StockReservation): Promise<boolean> {
    const rows: Array<{ inserted: boolean }> = await this.txHost.tx.query(
      `WITH reservation AS (
         INSERT INTO stock_reservations (order_id, status, created_at, released_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id) DO NOTHING
         RETURNING order_id),
       items AS (
         INSERT INTO stock_reservation_items (order_id, product_id, quantity)
         SELECT r.order_id, i.product_id, i.quantity
           FROM reservation r, unnest($5::uuid[], $6::integer[]) AS i(product_id, quantity))
       SELECT EXISTS (SELECT 1 FROM reservation) AS inserted`,
      [
        reservation.orderId,
        reservation.status,
        reservation.createdAt,
        reservation.releasedAt,
        reservation.items.map((item) => item.productId),
        reservation.items.map((item) => item.quantity),
      ],
    );
    return rows[0]?.inserted === true;
  }

  async findByOrderId(orderId: string): Promise<StockReservation | null> {
    const row = await this.txHost.tx.findOne(StockReservationOrmEntity, {
      where: { orderId },
      relations: { items: true },
    });
    if (!row) return null;
    return StockReservation.restore({
      orderId: row.orderId,
      status: row.status,
      items: (row.items ?? []).map((item) => ({
        productId: item.productId,
        quantity: item.quantity,
      })),
      createdAt: row.createdAt,
      releasedAt: row.releasedAt,
    });
  }

  async markReleased(reservation: StockReservation): Promise<boolean> {
    const result = await this.txHost.tx
      .createQueryBuilder()
      .update(StockReservationOrmEntity)
      .set({ status: 'released', releasedAt: reservation.releasedAt ?? new Date() })
      .where('order_id = :orderId AND status = :reserved', {
        orderId: reservation.orderId,
        reserved: 'reserved',
      })
      .execute();
    return (result.affected ?? 0) === 1;
  }
}
