import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import { CreateProductUseCase } from './application/use-cases/create-product.use-case';
import { DeleteProductUseCase } from './application/use-cases/delete-product.use-case';
import { GetProductUseCase } from './application/use-cases/get-product.use-case';
import { ListProductsUseCase } from './application/use-cases/list-products.use-case';
import { ReleaseStockUseCase } from './application/use-cases/release-stock.use-case';
import { ReplaceProductUseCase } from './application/use-cases/replace-product.use-case';
import { ReserveStockUseCase } from './application/use-cases/reserve-stock.use-case';
import { SeedCatalogUseCase } from './application/use-cases/seed-catalog.use-case';
import { UpdateProductUseCase } from './application/use-cases/update-product.use-case';
import { ProductRepository } from './domain/repositories/product.repository';
import { StockReservationRepository } from './domain/repositories/stock-reservation.repository';
import { productDatabase } from './infrastructure/database';
import { TypeormProductRepository } from './infrastructure/repositories/typeorm-product.repository';
import { TypeormStockReservationRepository } from './infrastructure/repositories/typeorm-stock-reservation.repository';
import { ProductsController } from './interfaces/api/products.controller';
import { StockReservationsController } from './interfaces/api/stock-reservations.controller';
import { ProductEventHandlers } from './interfaces/events/product-event-handlers';

/** Composition root of the product service: binds each port to its adapter. */
@Module({})
export class ProductModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: ProductModule,
      imports: [
        PlatformModule.forRoot({
          service: 'product',
          env,
          database: productDatabase,
          // the inbox of the events it consumes (order.cancelled) lives with the outbox
          messaging: true,
          eventHandlers: ProductEventHandlers,
        }),
      ],
      controllers: [ProductsController, StockReservationsController],
      providers: [
        { provide: ProductRepository, useClass: TypeormProductRepository },
        { provide: StockReservationRepository, useClass: TypeormStockReservationRepository },
        CreateProductUseCase,
        ReplaceProductUseCase,
        UpdateProductUseCase,
        DeleteProductUseCase,
        GetProductUseCase,
        ListProductsUseCase,
        ReserveStockUseCase,
        ReleaseStockUseCase,
        SeedCatalogUseCase,
        ProductEventHandlers,
      ],
    };
  }
}
