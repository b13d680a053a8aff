import { Injectable } from '@nestjs/common';
import { OrderToValidate, isOwnedBy, productIdsOf } from '../../domain/entities/order-to-validate';
import { ValidationResult } from '../../domain/entities/validation-result';
import { OrderNotFound } from '../../domain/errors/validation.errors';
import { ValidationResultRepository } from '../../domain/repositories/validation-result.repository';
import { checkOrder } from '../../domain/rules/order-rules';
import { Requester, seesEveryOrder } from '../dtos/requester';
import { OrderSource } from '../ports/order-source.port';
import { ProductCatalog } from '../ports/product-catalog.port';
import { UserDirectory } from '../ports/user-directory.port';
import { ValidationOutbox } from '../ports/validation-outbox.port';

/**
 * Validates an order against the order, user and product services and keeps the result.
 * A customer may validate only their own order (404 otherwise, also for an unknown one); for
 * admins and services an unknown order is a result, `valid: false` with `order_not_found`.
 * An upstream that cannot answer fails the whole validation (503): nothing is stored or
 * published, and no result ever says `valid: false` because a service was down.
 *
 * The result of an existing order is told to the other services (`order.validated`: the order
 * records it in its history). It is published before it is kept: publishing is the step that
 * can refuse (a full backlog, 503), and then neither happens; keeping it in memory cannot fail.
 * An unknown order's result is kept but not published: there is no order to record it in (its
 * consumer would refuse it for good).
 */
@Injectable()
export class ValidateOrderUseCase {
  constructor(
    private readonly orders: OrderSource,
    private readonly users: UserDirectory,
    private readonly catalog: ProductCatalog,
    private readonly results: ValidationResultRepository,
    private readonly outbox: ValidationOutbox,
  ) {}

  async execute(orderId: string, requester: Requester): Promise<ValidationResult> {
    const id = orderId.toLowerCase();
    const order = await this.orders.findOrder(id);
    if (
      requester.kind === 'user' &&
      !seesEveryOrder(requester) &&
      (!order || !isOwnedBy(order, requester.userId))
    ) {
      throw new OrderNotFound(id);
    }
    if (!order) {
      const result = ValidationResult.orderNotFound(id, new Date());
      await this.results.save(result);
      return result;
    }
    const result = await this.validate(order);
    await this.outbox.validated(result);
    await this.results.save(result);
    return result;
  }

  private async validate(order: OrderToValidate): Promise<ValidationResult> {
    const [userExists, catalogPrices] = await Promise.all([
      this.users.exists(order.userId),
      this.catalog.currentPrices(productIdsOf(order)),
    ]);
    const issues = checkOrder({ order, userExists, catalogPrices });
    return ValidationResult.of(order.id, order.userId, issues, new Date());
  }
}
