import { Injectable } from '@nestjs/common';
import { Payment } from '../../domain/entities/payment';
import { PaymentNotFound } from '../../domain/errors/payment.errors';
import { PaymentRepository } from '../../domain/repositories/payment.repository';
import { Requester } from '../dtos/requester';

/** One payment: its owner (the order's customer) or admin; anyone else gets 404. */
@Injectable()
export class GetPaymentUseCase {
  constructor(private readonly payments: PaymentRepository) {}

  async execute(id: string, requester: Requester): Promise<Payment> {
    const payment = await this.payments.findById(id);
    if (!payment || (!requester.isAdmin && !payment.isOwnedBy(requester.id))) {
      throw new PaymentNotFound(id);
    }
    return payment;
  }
}
