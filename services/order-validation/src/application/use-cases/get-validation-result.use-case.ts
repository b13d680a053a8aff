import { Injectable } from '@nestjs/common';
import { ValidationResult } from '../../domain/entities/validation-result';
import { ValidationNotFound } from '../../domain/errors/validation.errors';
import { ValidationResultRepository } from '../../domain/repositories/validation-result.repository';
import { Requester, seesEveryOrder } from '../dtos/requester';

/**
 * The last result kept for an order. Same access rule as validating: a customer sees only the
 * results of their own orders (404 otherwise, as when there is none). No upstream is asked: the
 * stored result remembers the order's owner.
 */
@Injectable()
export class GetValidationResultUseCase {
  constructor(private readonly results: ValidationResultRepository) {}

  async execute(orderId: string, requester: Requester): Promise<ValidationResult> {
    const id = orderId.toLowerCase();
    const result = await this.results.findByOrderId(id);
    if (!result) throw new ValidationNotFound(id);
    if (
      requester.kind === 'user' &&
      !seesEveryOrder(requester) &&
      !result.isOwnedBy(requester.userId)
    ) {
      throw new ValidationNotFound(id);
    }
    return result;
  }
}
