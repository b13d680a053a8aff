import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** Body of `POST /validations/validate`. */
export class ValidateOrderDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The order to validate',
    example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10',
  })
  @IsUUID()
  order_id: string;
}
