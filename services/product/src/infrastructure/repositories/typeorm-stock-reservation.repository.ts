import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { StockReservation } from '../../domain/entities/stock-reservation';
import { StockReservationRepository } from '../../domain/repositories/stock-reservation.repository';
import { StockReservationItemOrmEntity } from '../database/stock-reservation-item.orm-entity';
import { StockReservationOrmEntity } from '../database/stock-reservation.orm-entity';

@Injectable()
export class TypeormStockReservationRepository extends StockReservationRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async insertIfAbsent(reservation: StockReservation): Promise<boolean> {
    const manager = this.txHost.tx;
    const inserted: unknown = await manager.query(
      `INSERT INTO stock_reservations (order_id, status, created_at, released_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id`,
      [reservation.orderId, reservation.status, reservation.createdAt, reservation.releasedAt],
    );
    if (!Array.isArray(inserted) || inserted.length === 0) return false;
    if (reservation.items.length === 0) return true; // a release's tombstone holds no lines
    await manager.insert(
      StockReservationItemOrmEntity,
      reservation.items.map((item) => ({
        orderId: reservation.orderId,
        productId: item.productId,
        quantity: item.quantity,
      })),
    );
    return true;
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
