import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EntityManager } from 'typeorm';
import { Cart } from '../../domain/entities/cart';
import { CartRepository } from '../../domain/repositories/cart.repository';
import { CartItemOrmEntity } from '../database/cart-item.orm-entity';
import { CartOrmEntity } from '../database/cart.orm-entity';
import { CartMapper } from './cart.mapper';

@Injectable()
export class TypeormCartRepository extends CartRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async findById(id: string, options?: { forUpdate?: boolean }): Promise<Cart | null> {
    const manager = this.txHost.tx;
    // The cart row alone is locked (a FOR UPDATE over an outer join is refused by PostgreSQL);
    // every change to its lines goes through that lock.
    const query = manager.getRepository(CartOrmEntity).createQueryBuilder('c').where('c.id = :id', {
      id,
    });
    if (options?.forUpdate) query.setLock('pessimistic_write');
    const row = await query.getOne();
    return row ? this.withItems(manager, row) : null;
  }

  async findActiveByUser(userId: string): Promise<Cart | null> {
    const manager = this.txHost.tx;
    const row = await manager.findOne(CartOrmEntity, { where: { userId, status: 'active' } });
    return row ? this.withItems(manager, row) : null;
  }

  async insertIfNoActive(cart: Cart): Promise<boolean> {
    const row = CartMapper.toOrm(cart);
    // Arbitrates on the partial unique index: a concurrent insert for the same user waits for
    // the first to commit and then inserts nothing.
    const inserted: unknown = await this.txHost.tx.query(
      `INSERT INTO carts (id, user_id, status, order_id, checkout_attempts, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id) WHERE status = 'active' DO NOTHING
       RETURNING id`,
      [
        row.id,
        row.userId,
        row.status,
        row.orderId,
        row.checkoutAttempts,
        row.createdAt,
        row.updatedAt,
      ],
    );
    return Array.isArray(inserted) && inserted.length === 1;
  }

  async save(cart: Cart): Promise<void> {
    const manager = this.txHost.tx;
    const { id, ...columns } = CartMapper.toOrm(cart);
    await manager.update(CartOrmEntity, { id }, columns);
    const rows = CartMapper.toItemRows(cart);
    await manager.query(
      `DELETE FROM cart_items WHERE cart_id = $1 AND NOT (product_id = ANY($2::uuid[]))`,
      [id, rows.map((item) => item.productId)],
    );
    if (rows.length > 0) {
      await manager.upsert(CartItemOrmEntity, rows, ['cartId', 'productId']);
    }
  }

  private async withItems(manager: EntityManager, row: CartOrmEntity): Promise<Cart> {
    const items = await manager.find(CartItemOrmEntity, {
      where: { cartId: row.id },
      order: { addedAt: 'ASC', productId: 'ASC' },
    });
    return CartMapper.toDomain(row, items);
  }
}
