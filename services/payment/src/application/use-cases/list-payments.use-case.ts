import { Injectable } from '@nestjs/common';
import { PaymentStatus } from '../../domain/entities/payment-status';
import { PaymentPage, PaymentRepository } from '../../domain/repositories/payment.repository';
import { Requester } from '../dtos/requester';

export interface ListPaymentsQuery {
  /** absent: a calling service, which sees every payment */
  requester?: Requester;
  orderId?: string;
  status?: PaymentStatus;
  limit: number;
  offset: number;
}

/** A customer lists the payments of their own orders only; admin and services list all. */
@Injectable()
export class ListPaymentsUseCase {
  constructor(private readonly payments: PaymentRepository) {}

  execute(query: ListPaymentsQuery): Promise<PaymentPage> {
    const ownOnly = query.requester && !query.requester.isAdmin;
    return this.payments.list({
      userId: ownOnly ? query.requester?.id : undefined,
      orderId: query.orderId,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
  }
}
