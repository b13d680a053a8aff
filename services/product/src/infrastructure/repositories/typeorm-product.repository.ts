import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, Repository } from 'typeorm';
import { Money } from '@app/kernel';
import { readRows } from '@app/platform';
import { Product } from '../../domain/entities/product';
import {
  CatalogEntry,
  ProductListCriteria,
  ProductPage,
  ProductRepository,
} from '../../domain/repositories/product.repository';
import { ProductOrmEntity } from '../database/product.orm-entity';
import { ProductMapper } from './product.mapper';
import {
  ESTIMATE_TTL_MS,
  EXACT_TOTAL_BELOW,
  PRODUCTS_COUNT,
  PRODUCTS_ESTIMATE,
  PRODUCT_BY_ID,
  PRODUCT_BY_ID_FOR_UPDATE,
  filteredCountQuery,
  isFiltered,
  pageQuery,
} from './product-read.sql';

/** A list row: the entity's columns and the exact position of the row in the order. */
type ListRow = ProductOrmEntity & { positionAt: string };

/** pg answers UPDATE through TypeORM as [rows, rowCount]; SELECT as rows. */
function updatedRows(result: unknown): unknown[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as unknown[];
  }
  return Array.isArray(result) ? result : [];
}

@Injectable()
export class TypeormProductRepository extends ProductRepository {
  /** The catalog's size estimate and when it was read (it moves only at ANALYZE anyway). */
  private estimate = { n: -1, readAt: -Infinity };

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  /** A read outside a unit of work goes straight to pg's pool (readRows). */
  private read<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return readRows<Row>(this.txHost, sql, params);
  }

  private get repo(): Repository<ProductOrmEntity> {
    return this.txHost.tx.getRepository(ProductOrmEntity);
  }

  async findById(id: string, options?: { forUpdate?: boolean }): Promise<Product | null> {
    const rows = options?.forUpdate
      ? ((await this.txHost.tx.query(PRODUCT_BY_ID_FOR_UPDATE, [id])) as ProductOrmEntity[])
      : await this.read<ProductOrmEntity>(PRODUCT_BY_ID, [id]);
    return rows.length ? ProductMapper.toDomain(rows[0]) : null;
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
    const page = pageQuery(criteria);
    const [rows, total] = await Promise.all([
      this.read<ListRow>(page.sql, page.params),
      criteria.after ? undefined : this.total(criteria),
    ]);
    const items = rows.slice(0, criteria.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((row) => ProductMapper.toDomain(row)),
      ...total,
      next: rows.length > criteria.limit ? { createdAt: last.positionAt, id: last.id } : null,
    };
  }

  /**
   * Filtered: exact. Unfiltered: exact below EXACT_TOTAL_BELOW products, else PostgreSQL's
   * estimate, read at most every ESTIMATE_TTL_MS (a big catalog's first page costs no count).
   */
  private async total(
    criteria: ProductListCriteria,
  ): Promise<{ total: number; totalIsEstimate: boolean }> {
    const exact = async (count: { sql: string; params: unknown[] }) => {
      const [row] = await this.read<{ total: string }>(count.sql, count.params);
      return { total: Number(row.total), totalIsEstimate: false };
    };
    if (isFiltered(criteria)) return exact(filteredCountQuery(criteria));
    const estimate = await this.catalogEstimate();
    if (estimate < EXACT_TOTAL_BELOW) return exact({ sql: PRODUCTS_COUNT, params: [] });
    return { total: estimate, totalIsEstimate: true };
  }

  private async catalogEstimate(): Promise<number> {
    const now = Date.now();
    if (now - this.estimate.readAt > ESTIMATE_TTL_MS) {
      const [row] = await this.read<{ n: string | null }>(PRODUCTS_ESTIMATE);
      this.estimate = { n: Number(row?.n ?? -1), readAt: now };
    }
    return this.estimate.n;
  }

  async countForSeeding(): Promise<number> {
    // released with the transaction; the second seeding then sees the first one's products
    await this.repo.query(`SELECT pg_advisory_xact_lock(hashtext('product:seed'))`);
    return this.repo.count();
  }

  async catalogEntries(ids: string[]): Promise<Map<string, CatalogEntry>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; name: string; price: string }> = await this.txHost.tx.query(
      'SELECT id, name, price::text AS price FROM products WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(
      rows.map((row) => [row.id, { name: row.name, price: Money.fromDecimal(row.price) }]),
    );
  }

  async takeStock(productId: string, quantity: number): Promise<CatalogEntry | null> {
    // The condition and the decrement are one statement: PostgreSQL re-checks it against the
    // latest committed row after waiting for a concurrent writer, so stock never goes negative.
    const result: unknown = await this.txHost.tx.query(
      `UPDATE products
          SET stock_quantity = stock_quantity - $1, updated_at = now()
        WHERE id = $2 AND stock_quantity >= $1
        RETURNING name, price::text AS price`,
      [quantity, productId],
    );
    const [row] = updatedRows(result) as Array<{ name: string; price: string }>;
    return row ? { name: row.name, price: Money.fromDecimal(row.price) } : null;
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
