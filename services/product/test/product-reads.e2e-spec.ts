import fc from 'fast-check';
import { ClsServiceManager } from 'nestjs-cls';
import request from 'supertest';
import { Money, UnitOfWork } from '@app/kernel';
import { Product } from '../src/domain/entities/product';
import { ProductRepository } from '../src/domain/repositories/product.repository';
import { ProductTestApp, startProductTestApp } from './product-test-app';

/**
 * The reads go straight to the pool outside a transaction and through the transaction's
 * connection inside one (TypeormProductRepository.read): each sees what it should.
 */
describe('product reads inside and outside a transaction', () => {
  let t: ProductTestApp;
  let products: ProductRepository;
  let uow: UnitOfWork;
  const cls = ClsServiceManager.getClsService();

  beforeAll(async () => {
    t = await startProductTestApp();
    products = t.app.get(ProductRepository);
    uow = t.app.get(UnitOfWork);
  });

  afterAll(async () => {
    await t?.close();
  });

  const newProduct = (n: number, stock: number) =>
    Product.create({
      name: `read check ${n}`,
      description: '',
      price: Money.ofCents(100 + n),
      stockQuantity: stock,
      category: `reads-${n}`,
    });

  const page = (category: string) =>
    products.list({ category, limit: 20, offset: 0, after: undefined });

  it('a transaction reads its own writes; others read only what is committed (generated)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1000 }), fc.boolean(), async (stock, commit) => {
        const product = newProduct(++n, stock);
        const category = product.category;
        const outsideDuring: Array<unknown> = [];
        await uow
          .run(async () => {
            await products.insert(product);
            // inside: the transaction's own connection sees the row
            expect((await products.findById(product.id))?.stockQuantity).toBe(stock);
            expect((await page(category)).items.map((p) => p.id)).toEqual([product.id]);
            expect((await page(category)).total).toBe(1);
            // outside (another context, the pool): not yet
            outsideDuring.push(await cls.exit(() => products.findById(product.id)));
            if (!commit) throw new Error('roll back');
          })
          .catch((error: Error) => {
            if (commit || error.message !== 'roll back') throw error;
          });
        expect(outsideDuring).toEqual([null]);
        const after = await products.findById(product.id);
        expect(after?.stockQuantity ?? null).toBe(commit ? stock : null);
        expect((await page(category)).total).toBe(commit ? 1 : 0);
      }),
      { numRuns: 12, seed: 14 },
    );
  });

  it('serves the same product over HTTP as the repository reads it', async () => {
    const product = newProduct(10_000, 7);
    await products.insert(product);
    const res = await request(t.app.getHttpServer()).get(`/api/v1/products/${product.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: product.id,
      name: product.name,
      description: '',
      price: 101,
      stock_quantity: 7,
      category: product.category,
      created_at: product.createdAt.toISOString(),
      updated_at: product.updatedAt.toISOString(),
    });
  });
});
