import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DeliveryResponseDto } from '@app/contracts';
import { ServiceAuth, UuidParam } from '@app/platform';
import { FindDeliveryByOrderUseCase } from '../../application/use-cases/find-delivery-by-order.use-case';
import { DeliveryPresenter } from './delivery.presenter';
import { ApiProblem, EXAMPLES, ORDER_ID_EXAMPLE } from './problem-examples';

/** A lookup for other services (service key only). */
@ApiTags('deliveries (service-to-service)')
@ServiceAuth('order')
@ApiProblem(401, 'No or wrong X-Service-Key (a user token, even an admin’s, is not one).', {
  noServiceKey: EXAMPLES.noServiceKey,
})
@Controller('internal/deliveries')
export class InternalDeliveriesController {
  constructor(private readonly findByOrder: FindDeliveryByOrderUseCase) {}

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
