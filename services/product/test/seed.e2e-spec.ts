import request from 'supertest';
import { SeedCatalogUseCase } from '../src/application/use-cases/seed-catalog.use-case';
import { DEMO_CATALOG } from '../src/infrastructure/seed/demo-catalog';
import { ProductTestApp, startProductTestApp } from './product-test-app';

describe('demo catalog seed (e2e)', () => {
  let t: ProductTestApp;

  beforeAll(async () => {
    t = await startProductTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fills an empty catalog in order, and leaves a non-empty one alone', async () => {
    const seed = t.app.get(SeedCatalogUseCase);
    expect(await seed.execute(DEMO_CATALOG)).toBe(DEMO_CATALOG.length);
    expect(await seed.execute(DEMO_CATALOG)).toBe(0);

    const res = await request(t.app.getHttpServer())
      .get('/api/v1/products')
      .query({ limit: 100 })
      .expect(200);
    expect(res.body.total).toBe(DEMO_CATALOG.length);
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(
      DEMO_CATALOG.map((p) => p.name),
    );
    expect(new Set(DEMO_CATALOG.map((p) => p.category)).size).toBeGreaterThanOrEqual(4);
  });
});
