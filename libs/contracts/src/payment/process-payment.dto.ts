import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsUUID,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidationOptions,
  registerDecorator,
} from 'class-validator';
import { IsMoneyAmount, MONEY_MAX } from '../common/money.validator';
import { CardDto } from './card.dto';
import {
  CARD_PAYMENT_METHODS,
  PAYMENT_AMOUNT_MIN,
  PAYMENT_METHODS,
  PaymentMethodName,
} from './payment-limits';

/** A card is sent with card methods only: a PayPal payment carrying card data is refused. */
function IsAbsentForPaypal(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAbsentForPaypal',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'card must not be sent with payment_method paypal', ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          !(
            (args.object as { payment_method?: unknown }).payment_method === 'paypal' &&
            value !== undefined
          ),
      },
    });
}

/**
 * Body of `POST /payments/process`. The order must be the caller's and `creada`, `amount` its
 * exact total; the gateway decides `aprobado` or `rechazado`.
 */
export class ProcessPaymentDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The order to pay: yours (admin: any), in status creada',
    example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10',
  })
  @IsUUID()
  order_id: string;

  @ApiProperty({
    description: "Must equal the order's total exactly (at most 2 decimals)",
    minimum: PAYMENT_AMOUNT_MIN,
    maximum: MONEY_MAX,
    example: 65.47,
  })
  @IsMoneyAmount()
  @Min(PAYMENT_AMOUNT_MIN)
  @Max(MONEY_MAX)
  amount: number;

  @ApiProperty({ enum: PAYMENT_METHODS, example: 'credit_card' })
  @IsIn(PAYMENT_METHODS)
  payment_method: PaymentMethodName;

  @ApiPropertyOptional({
    type: CardDto,
    description: 'Required for credit_card and debit_card; not allowed with paypal.',
  })
  @ValidateIf(
    (dto: ProcessPaymentDto) =>
      dto.card !== undefined || CARD_PAYMENT_METHODS.includes(dto.payment_method),
  )
  @IsDefined({
    message: ({ value }) =>
      value === null ? 'card must not be null' : 'card is required for credit_card and debit_card',
  })
  @IsAbsentForPaypal()
  @IsObject()
  @ValidateNested()
  @Type(() => CardDto)
  card?: CardDto;
}
