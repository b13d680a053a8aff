import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { OrderResponseDto } from '@app/contracts';
import { ServiceAuth, UuidParam } from '@app/platform';
import { GetOrderUseCase } from '../../application/use-cases/get-order.use-case';
import { OrderPresenter } from './order.presenter';
import { ApiProblem, EXAMPLES, ORDER_ID_EXAMPLE } from './problem-examples';

const ID_PARAM = { name: 'id', format: 'uuid', example: ORDER_ID_EXAMPLE };

@ApiTags('orders (service-to-service)')
@ServiceAuth('order-validation')
@ApiProblem(401, 'No or wrong X-Service-Key (a user token, even an admin’s, is not one).', {
  noServiceKey: EXAMPLES.noServiceKey,
})
@Controller('internal/orders')
export class InternalOrdersController {
  constructor(private readonly getOrder: GetOrderUseCase) {}

  @Get(':id')
  @ApiOperation({ summary: 'Any order, for another service (X-Service-Key only)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiProblem(400, 'The id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(404, 'No such order.', { orderNotFound: EXAMPLES.orderNotFound })
  async get(@UuidParam('id') id: string): Promise<OrderResponseDto> {
    return OrderPresenter.toResponse(await this.getOrder.execute(id));
  }
}
