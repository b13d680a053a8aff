import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ChangeOrderStatusDto, OrderResponseDto, RecordOrderEventDto } from '@app/contracts';
import { ServiceAuth, UuidParam } from '@app/platform';
import { ChangeOrderStatusUseCase } from '../../application/use-cases/change-order-status.use-case';
import { GetOrderUseCase } from '../../application/use-cases/get-order.use-case';
import { RecordOrderEventUseCase } from '../../application/use-cases/record-order-event.use-case';
import { OrderPresenter } from './order.presenter';
import { ApiProblem, EXAMPLES, ORDER_ID_EXAMPLE } from './problem-examples';

interface Reply {
  header(name: string, value: string): unknown;
}

export const STATUS_CHANGE_HEADER = 'x-status-change';
export const ORDER_EVENT_HEADER = 'x-order-event';

const ID_PARAM = { name: 'id', format: 'uuid', example: ORDER_ID_EXAMPLE };

@ApiTags('orders (service-to-service)')
@ServiceAuth('order-validation', 'payment', 'delivery')
@ApiProblem(401, 'No or wrong X-Service-Key (a user token, even an admin’s, is not one).', {
  noServiceKey: EXAMPLES.noServiceKey,
})
@Controller('internal/orders')
export class InternalOrdersController {
  constructor(
    private readonly getOrder: GetOrderUseCase,
    private readonly changeStatus: ChangeOrderStatusUseCase,
    private readonly recordEvent: RecordOrderEventUseCase,
  ) {}

  @Get(':id')
  @ServiceAuth('order-validation')
  @ApiOperation({ summary: 'Any order, for another service (X-Service-Key only)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiProblem(400, 'The id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(404, 'No such order.', { orderNotFound: EXAMPLES.orderNotFound })
  async get(@UuidParam('id') id: string): Promise<OrderResponseDto> {
    return OrderPresenter.toResponse(await this.getOrder.execute(id));
  }

  @Post(':id/status')
  @HttpCode(200)
  @ServiceAuth('payment', 'delivery')
  @ApiOperation({
    summary: 'Apply a status change sent by another service, once per message_id',
    description:
      'The receiver of payment and delivery messages (their outbox). A message_id seen before: ' +
      '200 with the current order, nothing applied again (`X-Status-Change: duplicate`). A target ' +
      'the order is in or has already been in (the message is late or repeated): 200, no-op ' +
      '(`already_reached`), status never moves backwards. A move allowed by the transition table: ' +
      'applied, event recorded (`applied`), and in the same transaction its follow-ups enqueued: ' +
      '`pagada` with a shipping address → create the delivery; `cancelada` → release the stock, ' +
      'and if it was paid refund the payment and cancel a pending delivery. `pagada` for an order ' +
      'cancelled before it was paid: 200, the order stays cancelled and the payment is refunded ' +
      '(`refund_requested`). Anything else: 409 illegal-transition, nothing recorded, so the same ' +
      'message may be retried once the order has caught up.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({
    type: OrderResponseDto,
    description: 'The order after the message.',
    headers: {
      'X-Status-Change': {
        description:
          'What this message did: applied | duplicate | already_reached | refund_requested',
        schema: { type: 'string', example: 'applied' },
      },
    },
  })
  @ApiProblem(400, 'Invalid body; `errors` names the fields.', {
    validation: {
      ...EXAMPLES.validation,
      instance: `/api/v1/internal/orders/${ORDER_ID_EXAMPLE}/status`,
      errors: [
        {
          field: 'status',
          message:
            'status must be one of the following values: creada, pagada, enviada, entregada, cancelada',
        },
      ],
    },
  })
  @ApiProblem(404, 'No such order.', { orderNotFound: EXAMPLES.orderNotFound })
  @ApiProblem(409, 'Not allowed from the current status, and not reached before.', {
    illegalTransition: EXAMPLES.internalIllegal,
  })
  @ApiProblem(422, 'This message_id was already used for another order.', {
    messageReused: EXAMPLES.messageReused,
  })
  async change(
    @UuidParam('id') id: string,
    @Body() body: ChangeOrderStatusDto,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<OrderResponseDto> {
    const result = await this.changeStatus.execute({
      orderId: id.toLowerCase(),
      messageId: body.message_id.toLowerCase(),
      target: body.status,
      cause: body.cause,
      paymentId: body.payment_id?.toLowerCase(),
      deliveryId: body.delivery_id?.toLowerCase(),
    });
    reply.header(STATUS_CHANGE_HEADER, result.outcome);
    return OrderPresenter.toResponse(result.order);
  }

  @Post(':id/events')
  @HttpCode(200)
  @ServiceAuth('payment')
  @ApiOperation({
    summary: 'Record a fact about the order that does not move it (refunded), once per message_id',
    description:
      'For payment, after it refunded the payment of a cancelled order: appends a `refunded` ' +
      'event (with `payment_id`) to the history; the status stays as it is. A message_id seen ' +
      'before: 200, nothing appended (`X-Order-Event: duplicate`).',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({
    type: OrderResponseDto,
    description: 'The order (its history now holds the event).',
    headers: {
      'X-Order-Event': {
        description: 'What this message did: recorded | duplicate',
        schema: { type: 'string', example: 'recorded' },
      },
    },
  })
  @ApiProblem(400, 'Invalid body; `errors` names the fields.', {
    validation: {
      ...EXAMPLES.validation,
      instance: `/api/v1/internal/orders/${ORDER_ID_EXAMPLE}/events`,
      errors: [{ field: 'type', message: 'type must be one of the following values: refunded' }],
    },
  })
  @ApiProblem(404, 'No such order.', { orderNotFound: EXAMPLES.orderNotFound })
  @ApiProblem(422, 'This message_id was already used for another order.', {
    messageReused: EXAMPLES.messageReused,
  })
  async event(
    @UuidParam('id') id: string,
    @Body() body: RecordOrderEventDto,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<OrderResponseDto> {
    const result = await this.recordEvent.execute({
      orderId: id.toLowerCase(),
      messageId: body.message_id.toLowerCase(),
      type: body.type,
      cause: body.cause,
      paymentId: body.payment_id?.toLowerCase(),
    });
    reply.header(ORDER_EVENT_HEADER, result.outcome);
    return OrderPresenter.toResponse(result.order);
  }
}
