import { PartialType } from '@nestjs/swagger';
import { CreateProductDto } from './create-product.dto';

/** Body of `PATCH /products/{id}`: any subset of the product's fields. */
export class UpdateProductDto extends PartialType(CreateProductDto) {}
