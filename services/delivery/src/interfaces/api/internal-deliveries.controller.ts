import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  CancelDeliveryMessageDto,
  CreateDeliveryMessageDto,
  DeliveryMessageResultDto,
  DeliveryResponseDto,
} from '@app/contracts';
import { ServiceAuth, UuidParam } from '@app/platform';
import { CancelDeliveryForOrderUseCase } from '../../application/use-cases/cancel-delivery-for-order.use-case';
import { CreateDeliveryFromMessageUseCase } from '../../application/use-cases/create-delivery-from-message.use-case';
import { FindDeliveryByOrderUseCase } from '../../application/use-cases/find-delivery-by-order.use-case';
import { DeliveryPresenter } from './delivery.presenter';
import { ApiProblem, EXAMPLES, ORDER_ID_EXAMPLE } from './problem-examples';

interface Reply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

export const MESSAGE_OUTCOME_HEADER = 'x-message-outcome';

const OUTCOME_HEADER = {
  'X-Message-Outcome': {
    description:
      'What the message did: created | existing | cancelled | unchanged | no_delivery | ' +
      'order_cancelled | duplicate',
    schema: { type: 'string', example: 'created' },
  },
};

/**
 * The receivers of the order service's messages (delivered by its outbox relay, so possibly
 * more than once and late) and a lookup for other services. Service key only.
 */
@ApiTags('deliveries (service-to-service)')
@ServiceAuth('order')
@ApiProblem(401, 'No or wrong X-Service-Key (a user token, even an admin’s, is not one).', {
  noServiceKey: EXAMPLES.noServiceKey,
})
@Controller('internal/deliveries')
export class InternalDeliveriesController {
  constructor(
    private readonly createFromMessage: CreateDeliveryFromMessageUseCase,
    private readonly cancelForOrder: CancelDeliveryForOrderUseCase,
    private readonly findByOrder: FindDeliveryByOrderUseCase,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'An order with an address was paid: open its delivery (once per message_id)',
    description:
      'Opens a `pendiente` delivery with a tracking number: 201 `created`. The order already ' +
      'has one: 200 `existing`, unchanged. The order was cancelled before this message arrived: ' +
      '200 `order_cancelled`, nothing opened. A message_id seen before: 200 `duplicate`, nothing ' +
      'applied again.',
  })
  @ApiCreatedResponse({
    type: DeliveryMessageResultDto,
    description: 'Opened (`created`).',
    headers: OUTCOME_HEADER,
  })
  @ApiOkResponse({
    type: DeliveryMessageResultDto,
    description: 'Nothing new: existing, order_cancelled or duplicate.',
    headers: OUTCOME_HEADER,
  })
  @ApiProblem(400, 'Invalid body; `errors` names the fields.', {
    validation: { ...EXAMPLES.validation, instance: '/api/v1/internal/deliveries' },
  })
  async create(
    @Body() body: CreateDeliveryMessageDto,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<DeliveryMessageResultDto> {
    const result = await this.createFromMessage.execute({
      messageId: body.message_id.toLowerCase(),
      orderId: body.order_id.toLowerCase(),
      userId: body.user_id.toLowerCase(),
      address: DeliveryPresenter.toAddress(body.address),
    });
    reply.status(result.outcome === 'created' ? 201 : 200);
    reply.header(MESSAGE_OUTCOME_HEADER, result.outcome);
    return DeliveryPresenter.toMessageResult(result);
  }

  @Post('cancellations')
  @HttpCode(200)
  @ApiOperation({
    summary: 'An order was cancelled: cancel its pending delivery (once per message_id)',
    description:
      'A `pendiente` delivery becomes `cancelada` (`cancelled`). One already `en_transito` or ' +
      '`entregada` stays as it is (`unchanged`, logged as a warning: the parcel has left), as ' +
      'does one already `cancelada`. No delivery is fine (`no_delivery`: the order may have had ' +
      'no address); the cancellation is remembered, so a create message arriving later opens ' +
      'nothing. A message_id seen before: `duplicate`. Always 200.',
  })
  @ApiOkResponse({ type: DeliveryMessageResultDto, headers: OUTCOME_HEADER })
  @ApiProblem(400, 'Invalid body; `errors` names the fields.', {
    validation: {
      ...EXAMPLES.validation,
      instance: '/api/v1/internal/deliveries/cancellations',
      errors: [{ field: 'cause', message: 'cause must be longer than or equal to 1 characters' }],
    },
  })
  async cancel(
    @Body() body: CancelDeliveryMessageDto,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<DeliveryMessageResultDto> {
    const result = await this.cancelForOrder.execute({
      messageId: body.message_id.toLowerCase(),
      orderId: body.order_id.toLowerCase(),
      cause: body.cause,
    });
    reply.header(MESSAGE_OUTCOME_HEADER, result.outcome);
    return DeliveryPresenter.toMessageResult(result);
  }

  @Get('by-order/:order_id')
  @ApiOperation({ summary: 'The delivery of an order, for another service (X-Service-Key only)' })
  @ApiParam({ name: 'order_id', format: 'uuid', example: ORDER_ID_EXAMPLE })
  @ApiOkResponse({ type: DeliveryResponseDto })
  @ApiProblem(400, 'The order id is not a UUID.', {
    badId: {
      ...EXAMPLES.badId,
      instance: '/api/v1/internal/deliveries/by-order/nope',
      errors: [{ field: 'order_id', message: 'order_id must be a UUID' }],
    },
  })
  @ApiProblem(404, 'The order has no delivery.', { noDelivery: EXAMPLES.noDeliveryForOrder })
  async byOrder(@UuidParam('order_id') orderId: string): Promise<DeliveryResponseDto> {
    return DeliveryPresenter.toResponse(await this.findByOrder.execute(orderId.toLowerCase()));
  }
}
