import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  InternalPaymentsQueryDto,
  PaymentPageDto,
  RefundOrderPaymentMessageDto,
  RefundOrderPaymentResultDto,
} from '@app/contracts';
import { ApiProblem, ServiceAuth } from '@app/platform';
import { ListPaymentsUseCase } from '../../application/use-cases/list-payments.use-case';
import { RefundOrderPaymentUseCase } from '../../application/use-cases/refund-order-payment.use-case';
import { PaymentPresenter } from './payment.presenter';
import { EXAMPLES } from './problem-examples';

@ApiTags('payments (service-to-service)')
@ServiceAuth('order')
@ApiProblem(401, 'No or wrong X-Service-Key (a user token, even an admin’s, is not one).', {
  noServiceKey: EXAMPLES.noServiceKey,
})
@Controller('internal/payments')
export class InternalPaymentsController {
  constructor(
    private readonly listPayments: ListPaymentsUseCase,
    private readonly refundOrderPayment: RefundOrderPaymentUseCase,
  ) {}

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

  @Post('refunds')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Refund an order’s approved payment, once per message_id (outbox receiver)',
    description:
      'Sent by the order service when a paid order is cancelled, or when a payment was ' +
      'approved after the order had been cancelled. The approved payment is refunded at its ' +
      'gateway (a key stable per payment: no second refund ever) and marked `reembolsado`, with ' +
      'the message_id recorded in the same transaction. A message_id seen before: 200 ' +
      '`duplicate`, nothing applied again. No approved payment (none, declined, or already ' +
      'refunded): 200, nothing to do. The gateway silent: 503 and nothing recorded, so the ' +
      'relay delivers the message again later.',
  })
  @ApiOkResponse({ type: RefundOrderPaymentResultDto })
  @ApiProblem(400, 'Invalid body; `errors` names the fields.', {
    validation: EXAMPLES.refundMessageInvalid,
  })
  @ApiProblem(409, 'The gateway refused the refund; nothing recorded.', {
    refundRefused: EXAMPLES.refundRefusedInternal,
  })
  @ApiProblem(503, 'The gateway did not answer; nothing recorded, deliver again later.', {
    gatewayDown: EXAMPLES.refundGatewayDown,
  })
  async refund(@Body() body: RefundOrderPaymentMessageDto): Promise<RefundOrderPaymentResultDto> {
    const messageId = body.message_id.toLowerCase();
    const orderId = body.order_id.toLowerCase();
    const result = await this.refundOrderPayment.execute({
      messageId,
      orderId,
      cause: body.cause,
    });
    return PaymentPresenter.toRefundResult(messageId, orderId, result);
  }
}
