import { DynamicModule, Module } from '@nestjs/common';
import { OrderClient, ProductClient } from '@app/clients';
import { PlatformModule } from '@app/platform';
import { CartAccess } from './application/cart-access';
import { OrderPlacement } from './application/ports/order-placement.port';
import { ProductCatalog } from './application/ports/product-catalog.port';
import { AddCartItemUseCase } from './application/use-cases/add-cart-item.use-case';
import { ChangeCartItemQuantityUseCase } from './application/use-cases/change-cart-item-quantity.use-case';
import { CheckOutCartUseCase } from './application/use-cases/check-out-cart.use-case';
import { EmptyCartUseCase } from './application/use-cases/empty-cart.use-case';
import { GetCartUseCase } from './application/use-cases/get-cart.use-case';
import { OpenCartUseCase } from './application/use-cases/open-cart.use-case';
import { RemoveCartItemUseCase } from './application/use-cases/remove-cart-item.use-case';
import { CartRepository } from './domain/repositories/cart.repository';
import { cartDatabase } from './infrastructure/database';
import { HttpOrderPlacement } from './infrastructure/gateways/http-order-placement';
import { HttpProductCatalog } from './infrastructure/gateways/http-product-catalog';
import { TypeormCartRepository } from './infrastructure/repositories/typeorm-cart.repository';
import { CartsController } from './interfaces/api/carts.controller';

/** Composition root of the cart service: binds each port to its adapter. */
@Module({})
export class CartModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: CartModule,
      imports: [
        PlatformModule.forRoot({
          service: 'cart',
          env,
          database: cartDatabase,
          upstreams: ['product', 'order'],
        }),
      ],
      controllers: [CartsController],
      providers: [
        ProductClient,
        OrderClient,
        { provide: CartRepository, useClass: TypeormCartRepository },
        { provide: ProductCatalog, useClass: HttpProductCatalog },
        { provide: OrderPlacement, useClass: HttpOrderPlacement },
        CartAccess,
        OpenCartUseCase,
        GetCartUseCase,
        AddCartItemUseCase,
        ChangeCartItemQuantityUseCase,
        RemoveCartItemUseCase,
        EmptyCartUseCase,
        CheckOutCartUseCase,
      ],
    };
  }
}
