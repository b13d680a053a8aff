import { PartialType } from '@nestjs/swagger';
import { CreateProductDto } from './create-product.dto';

/**
 * Body of `PATCH /products/{id}`: any subset of the product's fields. A field sent as `null` is
 * 400 (no field of a product may be null); `skipNullProperties: false` makes PartialType skip
 * only absent fields instead of also skipping nulls as `@IsOptional()` does.
 */
export class UpdateProductDto extends PartialType(CreateProductDto, {
  skipNullProperties: false,
}) {}
