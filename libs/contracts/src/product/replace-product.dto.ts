import { CreateProductDto } from './create-product.dto';

/** Body of `PUT /products/{id}`: the whole product, same rules as creation. */
export class ReplaceProductDto extends CreateProductDto {}
