import { DynamicModule, Module } from '@nestjs/common';
import { OrderClient, ProductClient, UserClient } from '@app/clients';
import { PlatformModule, SharedRedis, loadConfigs } from '@app/platform';
import { OrderSource } from './application/ports/order-source.port';
import { ProductCatalog } from './application/ports/product-catalog.port';
import { UserDirectory } from './application/ports/user-directory.port';
import { ValidationOutbox } from './application/ports/validation-outbox.port';
import { GetValidationResultUseCase } from './application/use-cases/get-validation-result.use-case';
import { ValidateOrderUseCase } from './application/use-cases/validate-order.use-case';
import { ValidationResultRepository } from './domain/repositories/validation-result.repository';
import {
  OrderValidationConfig,
  loadOrderValidationConfig,
} from './infrastructure/config/order-validation.config';
import { HttpOrderSource } from './infrastructure/gateways/http-order-source';
import { HttpProductCatalog } from './infrastructure/gateways/http-product-catalog';
import { HttpUserDirectory } from './infrastructure/gateways/http-user-directory';
import { PlatformValidationOutbox } from './infrastructure/messaging/platform-validation-outbox';
import { InMemoryValidationResultRepository } from './infrastructure/repositories/in-memory-validation-result.repository';
import { RedisValidationResultRepository } from './infrastructure/repositories/redis-validation-result.repository';
import { UserOrServiceGuard } from './interfaces/api/user-or-service.guard';
import { ValidationsController } from './interfaces/api/validations.controller';

const UPSTREAMS = ['order', 'user', 'product'];

/**
 * Composition root of the order-validation service: binds each port to its adapter. No
 * database (results are kept in Redis when REDIS_URL is set, else in memory, and `order.validated` waits in the platform's in-memory
 * outbox); /health reports the three upstreams instead.
 */
@Module({})
export class OrderValidationModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    // Every variable is checked before the start stops; the platform's problems come first.
    const [platform, config] = loadConfigs(
      () =>
        PlatformModule.forRoot({
          service: 'order-validation',
          env,
          upstreams: UPSTREAMS,
          healthOfUpstreams: UPSTREAMS,
          // order.validated, through the in-memory outbox (no database: SPEC.md)
          messaging: true,
        }),
      () => loadOrderValidationConfig(env),
    );
    return {
      module: OrderValidationModule,
      imports: [platform],
      controllers: [ValidationsController],
      providers: [
        { provide: OrderValidationConfig, useValue: config },
        OrderClient,
        UserClient,
        ProductClient,
        { provide: OrderSource, useClass: HttpOrderSource },
        { provide: UserDirectory, useClass: HttpUserDirectory },
        { provide: ProductCatalog, useClass: HttpProductCatalog },
        {
          // shared by every replica when REDIS_URL is set; this process's memory otherwise
          provide: ValidationResultRepository,
          inject: [SharedRedis],
          useFactory: (redis: SharedRedis) =>
            redis.client
              ? new RedisValidationResultRepository(redis, config)
              : new InMemoryValidationResultRepository(config),
        },
        { provide: ValidationOutbox, useClass: PlatformValidationOutbox },
        UserOrServiceGuard,
        ValidateOrderUseCase,
        GetValidationResultUseCase,
      ],
    };
  }
}
