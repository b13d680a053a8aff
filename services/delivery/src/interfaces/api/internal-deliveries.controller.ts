import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DeliveryResponseDto, StopDeliveryResponseDto } from '@app/contracts';
import { ServiceAuth, UuidParam } from '@app/platform';
import { FindDeliveryByOrderUseCase } from '../../application/use-cases/find-delivery-by-order.use-case';
import { StopDeliveryForOrderUseCase } from '../../application/use-cases/stop-delivery-for-order.use-case';
import { DeliveryPresenter } from './delivery.presenter';
import { ApiProblem, EXAMPLES, ORDER_ID_EXAMPLE } from './problem-examples';

const ORDER_ID_PARAM = { name: 'order_id', format: 'uuid', example: ORDER_ID_EXAMPLE };

/** A lookup and the stop before a paid order's cancel, for the order service (service key only). */
@ApiTags('deliveries (service-to-service)')
@ServiceAuth('order')
@ApiProblem(401, 'No or wrong X-Service-Key (a user token, even an admin’s, is not one).', {
  noServiceKey: EXAMPLES.noServiceKey,
})
@Controller('internal/deliveries')
export class InternalDeliveriesController {
  constructor(
    private readonly findByOrder: FindDeliveryByOrderUseCase,
    private readonly stopForOrder: StopDeliveryForOrderUseCase,
  ) {}

  @Get('by-order/:order_id')
  @ApiOperation({ summary: 'The delivery of an order, for another service (X-Service-Key only)' })
  @ApiParam(ORDER_ID_PARAM)
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

  @Post('by-order/:order_id/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: "Stop an order's goods before the order is cancelled (the order service only)",
    description:
      'The order service asks this before it cancels a paid order: this service decides ' +
      'whether the goods left. In one transaction, serialized with an admin moving the ' +
      'delivery and with opening one for the order: a `pendiente` delivery becomes `cancelada` ' +
      '(`delivery.cancelled` is published) → 200 `cancelled`; one cancelled already → 200 ' +
      '`already_cancelled`; no delivery → 200 `no_delivery`, and the order is remembered as ' +
      'cancelled, so a later `order.paid` or owner’s request opens none. A delivery ' +
      '`en_transito` or `entregada` → 409 `delivery-already-left`, nothing changed: the order ' +
      'is not cancelled. Idempotent: asking again answers the same, so the caller may retry ' +
      'after a timeout. No body.',
  })
  @ApiParam(ORDER_ID_PARAM)
  @ApiOkResponse({
    type: StopDeliveryResponseDto,
    description: 'Stopped: the goods will not leave.',
  })
  @ApiProblem(400, 'The order id is not a UUID.', {
    badId: {
      ...EXAMPLES.badId,
      instance: '/api/v1/internal/deliveries/by-order/nope/stop',
      errors: [{ field: 'order_id', message: 'order_id must be a UUID' }],
    },
  })
  @ApiProblem(409, 'Too late: the delivery is on its way or delivered.', {
    alreadyLeft: EXAMPLES.alreadyLeft,
  })
  async stop(@UuidParam('order_id') orderId: string): Promise<StopDeliveryResponseDto> {
    const id = orderId.toLowerCase();
    return DeliveryPresenter.toStop(id, await this.stopForOrder.execute(id));
  }
}
