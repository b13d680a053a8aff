import { Transform, Type } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from '@app/platform';
import { DeliverySettings } from '../../application/delivery-settings';
import { CARRIER_MAX, ESTIMATE_DAYS_MAX } from '../../domain/entities/delivery';

/**
 * The delivery service's own variables (on top of PlatformEnv, UpstreamEnv and MessagingEnv).
 * Names are the variables, so a validation message names exactly what to fix.
 */
export class DeliveryEnv {
  /**
   * Required here (optional for the platform): the relay delivers the order status notices to
   * the order service's internal endpoint with it; without it no order would ever ship.
   */
  @IsString({
    message: 'SERVICE_API_KEY is required: the delivery service notifies the order service with it',
  })
  @MinLength(16)
  SERVICE_API_KEY!: string;

  /** The carrier new deliveries are handed to (shown on tracking pages). */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, CARRIER_MAX)
  DELIVERY_CARRIER = 'NestPost';

  /** estimated_delivery = creation time + this many days. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ESTIMATE_DAYS_MAX)
  DELIVERY_ESTIMATE_DAYS = 3;
}

export class DeliveryConfig implements DeliverySettings {
  constructor(
    readonly carrier: string,
    readonly estimateDays: number,
  ) {}
}

export function loadDeliveryConfig(rawEnv: Record<string, string | undefined>): DeliveryConfig {
  const env = validateEnv(DeliveryEnv, rawEnv);
  return new DeliveryConfig(env.DELIVERY_CARRIER, env.DELIVERY_ESTIMATE_DAYS);
}
