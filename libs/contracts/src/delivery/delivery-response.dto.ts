import { ApiProperty } from '@nestjs/swagger';
import { AddressDto } from '../common/address.dto';
import { DELIVERY_STATUSES, DeliveryStatusName } from './delivery-limits';

export class DeliveryResponseDto {
  @ApiProperty({ format: 'uuid', example: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d' })
  id: string;

  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  order_id: string;

  @ApiProperty({ format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' })
  user_id: string;

  @ApiProperty({ type: AddressDto })
  address: AddressDto;

  @ApiProperty({ example: 'NestPost' })
  carrier: string;

  @ApiProperty({
    description: '`NC` and ten Crockford base32 characters; unique',
    example: 'NC7K2M9QX4TB',
  })
  tracking_number: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'pendiente' })
  status: DeliveryStatusName;

  @ApiProperty({
    format: 'date-time',
    description: 'Creation time plus DELIVERY_ESTIMATE_DAYS',
    example: '2025-01-18T10:30:00.000Z',
  })
  estimated_delivery: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  updated_at: string;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryResponseDto] })
  items: DeliveryResponseDto[];

  @ApiProperty({ description: 'Deliveries matching the filters', example: 1 })
  total: number;

  @ApiProperty({ example: 20 })
  limit: number;

  @ApiProperty({ example: 0 })
  offset: number;
}

/** Where a parcel is going, as much as a public tracking page shows: no street, no postal code. */
export class TrackingDestinationDto {
  @ApiProperty({ example: 'Madrid' })
  city: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'ES' })
  country: string;
}

/**
 * The public tracking view (`GET /deliveries/track/{tracking_number}`, no token): what a
 * carrier's tracking page shows. Never the street, postal code, order, user or delivery id.
 */
export class TrackingDto {
  @ApiProperty({ example: 'NC7K2M9QX4TB' })
  tracking_number: string;

  @ApiProperty({ example: 'NestPost' })
  carrier: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'en_transito' })
  status: DeliveryStatusName;

  @ApiProperty({ format: 'date-time', example: '2025-01-18T10:30:00.000Z' })
  estimated_delivery: string;

  @ApiProperty({ type: TrackingDestinationDto })
  destination: TrackingDestinationDto;

  @ApiProperty({
    format: 'date-time',
    description: 'When the status last changed',
    example: '2025-01-16T08:00:00.000Z',
  })
  updated_at: string;
}
