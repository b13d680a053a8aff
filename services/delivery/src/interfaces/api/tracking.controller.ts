import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { TrackingDto } from '@app/contracts';
import { TrackDeliveryUseCase } from '../../application/use-cases/track-delivery.use-case';
import { DeliveryPresenter } from './delivery.presenter';
import { TrackingNumberParam } from './tracking-number.param';
import { ApiProblem, EXAMPLES, TRACKING_NUMBER_EXAMPLE } from './problem-examples';

/** Public: anyone holding a tracking number may follow the parcel. No token. */
@ApiTags('tracking (public)')
@Controller('deliveries/track')
export class TrackingController {
  constructor(private readonly track: TrackDeliveryUseCase) {}

  @Get(':tracking_number')
  @ApiOperation({
    summary: 'Follow a parcel by its tracking number (public, no token)',
    description:
      'Shows what a carrier’s tracking page shows: status, carrier, estimated delivery, the ' +
      'destination city and country, and when the status last changed. Never the street, the ' +
      'postal code, the order, the customer or the delivery id. Case, spaces and dashes do not ' +
      'matter; O reads as 0, I and L as 1.',
  })
  @ApiParam({
    name: 'tracking_number',
    description: '`NC` and ten characters of 0-9 and A-Z without I, L, O, U',
    example: TRACKING_NUMBER_EXAMPLE,
  })
  @ApiOkResponse({ type: TrackingDto })
  @ApiProblem(400, 'Not a tracking number.', { badTrackingNumber: EXAMPLES.badTrackingNumber })
  @ApiProblem(404, 'No delivery has this tracking number.', {
    trackingNotFound: EXAMPLES.trackingNotFound,
  })
  async get(@TrackingNumberParam('tracking_number') trackingNumber: string): Promise<TrackingDto> {
    return DeliveryPresenter.toTracking(await this.track.execute(trackingNumber));
  }
}
