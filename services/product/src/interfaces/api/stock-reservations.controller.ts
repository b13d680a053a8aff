import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ProblemDto, ReserveStockDto, StockReservationDto } from '@app/contracts';
import { ServiceAuth, UuidParam } from '@app/platform';
import { ReleaseStockUseCase } from '../../application/use-cases/release-stock.use-case';
import { ReserveStockUseCase } from '../../application/use-cases/reserve-stock.use-case';
import { ProductPresenter } from './product.presenter';
import { RESERVE_CONFLICT, RESERVE_MISMATCH, RESERVE_NOT_FOUND } from './problem-examples';

/** The part of a Fastify reply this controller touches (keeps fastify types out of the signature). */
interface StatusReply {
  status(code: number): unknown;
}

@ApiTags('stock reservations (service-to-service)')
@ServiceAuth('order')
@ApiBadRequestResponse({
  type: ProblemDto,
  description: 'Invalid input; `errors` names the fields.',
})
@Controller('stock/reservations')
export class StockReservationsController {
  constructor(
    private readonly reserveStock: ReserveStockUseCase,
    private readonly releaseStock: ReleaseStockUseCase,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Reserve stock for an order: all items or none; idempotent per order_id',
    description:
      'A new reservation answers 201. Repeating the same order_id with the same items answers 200 ' +
      'with the existing reservation and takes no stock. The same order_id with other items is ' +
      '422. An order_id whose reservation was released (or released before it was ever made) is ' +
      '409 `reservation-released`: it never takes stock again.',
  })
  @ApiCreatedResponse({ type: StockReservationDto, description: 'Reserved now.' })
  @ApiOkResponse({ type: StockReservationDto, description: 'This order was already reserved.' })
  @ApiNotFoundResponse(RESERVE_NOT_FOUND)
  @ApiConflictResponse(RESERVE_CONFLICT)
  @ApiUnprocessableEntityResponse(RESERVE_MISMATCH)
  async reserve(
    @Body() body: ReserveStockDto,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<StockReservationDto> {
    const { reservation, created, catalog } = await this.reserveStock.execute({
      orderId: body.order_id,
      items: body.items.map((item) => ({ productId: item.product_id, quantity: item.quantity })),
    });
    reply.status(created ? 201 : 200);
    return ProductPresenter.toReservation(reservation, catalog);
  }

  @Post(':order_id/release')
  @HttpCode(200)
  @ApiOperation({
    summary: "Give an order's reserved stock back; idempotent (a second release changes nothing)",
    description:
      'An order_id without a reservation gets a released one with no items (a tombstone): a ' +
      'reservation for it arriving later is refused (409 `reservation-released`), so a release ' +
      'sent when the reservation answer was lost can never be overtaken by that reservation.',
  })
  @ApiParam({ name: 'order_id', format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  @ApiOkResponse({
    type: StockReservationDto,
    description: 'Released (now or before), or a tombstone (`items` empty) for an unknown order.',
  })
  async release(@UuidParam('order_id') orderId: string): Promise<StockReservationDto> {
    return ProductPresenter.toReservation(await this.releaseStock.execute(orderId));
  }
}
