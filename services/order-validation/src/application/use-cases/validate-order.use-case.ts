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

/**
 * Validates an order against the order, user and product services and keeps the result.
 * A customer may validate only their own order (404 otherwise, also for an unknown one); for
 * admins and services an unknown order is a result, `valid: false` with `order_not_found`.
 * An upstream that cannot answer fails the whole validation (503): nothing is stored, and no
 * result ever says `valid: false` because a service was down.
 */
@Injectable()
export class ValidateOrderUseCase {
  constructor(
    private readonly orders: OrderSource,
    private readonly users: UserDirectory,
    private readonly catalog: ProductCatalog,
    private readonly results: ValidationResultRepository,
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
    const result = order
      ? await this.validate(order)
      : ValidationResult.orderNotFound(id, new Date());
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
