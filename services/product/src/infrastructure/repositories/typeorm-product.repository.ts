import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, Repository } from 'typeorm';
import { Product } from '../../domain/entities/product';
import {
  ProductListCriteria,
  ProductPage,
  ProductRepository,
} from '../../domain/repositories/product.repository';
import { ProductOrmEntity } from '../database/product.orm-entity';
import { ProductMapper } from './product.mapper';

/** `LIKE` treats % and _ as wildcards; a search for "50%" means the characters. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** pg answers UPDATE through TypeORM as [rows, rowCount]; SELECT as rows. */
function updatedRows(result: unknown): unknown[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as unknown[];
  }
  return Array.isArray(result) ? result : [];
}

@Injectable()
export class TypeormProductRepository extends ProductRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  private get repo(): Repository<ProductOrmEntity> {
    return this.txHost.tx.getRepository(ProductOrmEntity);
  }

  async findById(id: string, options?: { forUpdate?: boolean }): Promise<Product | null> {
    const query = this.repo.createQueryBuilder('p').where('p.id = :id', { id });
    if (options?.forUpdate) query.setLock('pessimistic_write');
    const row = await query.getOne();
    return row ? ProductMapper.toDomain(row) : null;
  }

  async insert(product: Product): Promise<void> {
    await this.repo.insert(ProductMapper.toOrm(product));
  }

  async update(product: Product): Promise<void> {
    const { id, ...columns } = ProductMapper.toOrm(product);
    await this.repo.update({ id }, columns);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async list(criteria: ProductListCriteria): Promise<ProductPage> {
    const query = this.repo.createQueryBuilder('p');
    if (criteria.category !== undefined) {
      query.andWhere('p.category = :category', { category: criteria.category });
    }
    if (criteria.nameContains !== undefined) {
      query.andWhere(`lower(p.name) LIKE :pattern ESCAPE '\\'`, {
        pattern: likePattern(criteria.nameContains),
      });
    }
    if (criteria.minPrice !== undefined) {
      query.andWhere('p.price >= :minPrice', { minPrice: criteria.minPrice.toDecimalString() });
    }
    if (criteria.maxPrice !== undefined) {
      query.andWhere('p.price <= :maxPrice', { maxPrice: criteria.maxPrice.toDecimalString() });
    }
    const [rows, total] = await Promise.all([
      query
        .clone()
        .orderBy('p.created_at', 'ASC')
        .addOrderBy('p.id', 'ASC')
        .limit(criteria.limit)
        .offset(criteria.offset)
        .getMany(),
      query.getCount(),
    ]);
    return { items: rows.map((row) => ProductMapper.toDomain(row)), total };
  }

  async countForSeeding(): Promise<number> {
    // released with the transaction; the second seeding then sees the first one's products
    await this.repo.query(`SELECT pg_advisory_xact_lock(hashtext('product:seed'))`);
    return this.repo.count();
  }

  async existingIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.repo.find({ select: { id: true }, where: { id: In(ids) } });
    return new Set(rows.map((row) => row.id));
  }

  async takeStock(productId: string, quantity: number): Promise<boolean> {
    // The condition and the decrement are one statement: PostgreSQL re-checks it against the
    // latest committed row after waiting for a concurrent writer, so stock never goes negative.
    const result: unknown = await this.txHost.tx.query(
      `UPDATE products
          SET stock_quantity = stock_quantity - $1, updated_at = now()
        WHERE id = $2 AND stock_quantity >= $1
        RETURNING id`,
      [quantity, productId],
    );
    return updatedRows(result).length === 1;
  }

  async returnStock(productId: string, quantity: number): Promise<boolean> {
    const result: unknown = await this.txHost.tx.query(
      `UPDATE products
          SET stock_quantity = stock_quantity + $1, updated_at = now()
        WHERE id = $2
        RETURNING id`,
      [quantity, productId],
    );
    return updatedRows(result).length === 1;
  }

  async stockLevels(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.repo.find({
      select: { id: true, stockQuantity: true },
      where: { id: In(ids) },
    });
    return new Map(rows.map((row) => [row.id, row.stockQuantity]));
  }
}
