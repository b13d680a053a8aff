import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InternalPaymentsQueryDto, PaymentPageDto } from '@app/contracts';
import { ApiProblem, ServiceAuth } from '@app/platform';
import { ListPaymentsUseCase } from '../../application/use-cases/list-payments.use-case';
import { PaymentPresenter } from './payment.presenter';
import { EXAMPLES } from './problem-examples';

@ApiTags('payments (service-to-service)')
@ServiceAuth('order')
@ApiProblem(401, 'No or wrong X-Service-Key (a user token, even an admin’s, is not one).', {
  noServiceKey: EXAMPLES.noServiceKey,
})
@Controller('internal/payments')
export class InternalPaymentsController {
  constructor(private readonly listPayments: ListPaymentsUseCase) {}

  @Get()
  @ApiOperation({ summary: 'The payments of one order, newest first (X-Service-Key only)' })
  @ApiOkResponse({ type: PaymentPageDto })
  async list(@Query() query: InternalPaymentsQueryDto): Promise<PaymentPageDto> {
    const page = await this.listPayments.execute({
      orderId: query.order_id.toLowerCase(),
      limit: query.limit,
      offset: query.offset,
    });
    return PaymentPresenter.toPage(page, query.limit, query.offset);
  }
}
