// `npm run seed` (and `npm start`): put the demo catalog into an empty product_db.
import { runStandalone } from '@app/platform';
import { SeedCatalogUseCase } from './application/use-cases/seed-catalog.use-case';
import { DEMO_CATALOG } from './infrastructure/seed/demo-catalog';
import { ProductModule } from './product.module';

runStandalone(
  () => ProductModule.forRoot(),
  async (app) => {
    const added = await app.get(SeedCatalogUseCase).execute(DEMO_CATALOG);
    console.log(
      added > 0
        ? `product: seeded ${added} demo products`
        : 'product: catalog not empty, seed skipped',
    );
  },
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
