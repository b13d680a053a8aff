import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateProductDto,
  ListProductsQueryDto,
  ProblemDto,
  ProductPageDto,
  ProductResponseDto,
  ReplaceProductDto,
  UpdateProductDto,
  decodeProductCursor,
} from '@app/contracts';
import { Auth, UuidParam } from '@app/platform';
import { Money } from '@app/kernel';
import { CreateProductUseCase } from '../../application/use-cases/create-product.use-case';
import { DeleteProductUseCase } from '../../application/use-cases/delete-product.use-case';
import { GetProductUseCase } from '../../application/use-cases/get-product.use-case';
import { ListProductsUseCase } from '../../application/use-cases/list-products.use-case';
import { ReplaceProductUseCase } from '../../application/use-cases/replace-product.use-case';
import { UpdateProductUseCase } from '../../application/use-cases/update-product.use-case';
import { ProductPresenter } from './product.presenter';
import { PRODUCT_NOT_FOUND } from './problem-examples';

const ID_PARAM = { name: 'id', format: 'uuid', example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' };

@ApiTags('products')
@ApiBadRequestResponse({
  type: ProblemDto,
  description: 'Invalid input; `errors` names the fields.',
})
@Controller('products')
export class ProductsController {
  constructor(
    private readonly createProduct: CreateProductUseCase,
    private readonly replaceProduct: ReplaceProductUseCase,
    private readonly updateProduct: UpdateProductUseCase,
    private readonly deleteProduct: DeleteProductUseCase,
    private readonly getProduct: GetProductUseCase,
    private readonly listProducts: ListProductsUseCase,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List products (public), filtered, ordered by creation time then id',
    description:
      'Two ways to page: `offset` (with `total`; at most 100,000 deep) or `cursor`, the ' +
      '`next_cursor` of the previous page (keyset: the same cost at any depth; no `total`). ' +
      'Every page has `next_cursor`, null after the last product.',
  })
  @ApiOkResponse({ type: ProductPageDto })
  async list(@Query() query: ListProductsQueryDto): Promise<ProductPageDto> {
    // validated by the DTO: a cursor here is one of ours
    const after = query.cursor === undefined ? undefined : decodeProductCursor(query.cursor);
    const page = await this.listProducts.execute({
      category: query.category,
      nameContains: query.q,
      minPrice: query.min_price === undefined ? undefined : Money.fromDecimal(query.min_price),
      maxPrice: query.max_price === undefined ? undefined : Money.fromDecimal(query.max_price),
      limit: query.limit,
      offset: query.offset,
      after,
    });
    return ProductPresenter.toPage(page, query.limit, after ? undefined : query.offset);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one product (public)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiNotFoundResponse(PRODUCT_NOT_FOUND)
  async get(@UuidParam('id') id: string): Promise<ProductResponseDto> {
    return ProductPresenter.toResponse(await this.getProduct.execute(id));
  }

  @Post()
  @Auth('admin')
  @ApiOperation({ summary: 'Create a product (admin)' })
  @ApiCreatedResponse({ type: ProductResponseDto })
  async create(@Body() body: CreateProductDto): Promise<ProductResponseDto> {
    const product = await this.createProduct.execute(ProductPresenter.toDetails(body));
    return ProductPresenter.toResponse(product);
  }

  @Put(':id')
  @Auth('admin')
  @ApiOperation({ summary: 'Replace a product (admin)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiNotFoundResponse(PRODUCT_NOT_FOUND)
  async replace(
    @UuidParam('id') id: string,
    @Body() body: ReplaceProductDto,
  ): Promise<ProductResponseDto> {
    const product = await this.replaceProduct.execute(id, ProductPresenter.toDetails(body));
    return ProductPresenter.toResponse(product);
  }

  @Patch(':id')
  @Auth('admin')
  @ApiOperation({ summary: 'Change some fields of a product (admin)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiNotFoundResponse(PRODUCT_NOT_FOUND)
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateProductDto,
  ): Promise<ProductResponseDto> {
    const product = await this.updateProduct.execute(id, ProductPresenter.toChanges(body));
    return ProductPresenter.toResponse(product);
  }

  @Delete(':id')
  @Auth('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a product (admin)' })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse(PRODUCT_NOT_FOUND)
  async remove(@UuidParam('id') id: string): Promise<void> {
    await this.deleteProduct.execute(id);
  }
}
