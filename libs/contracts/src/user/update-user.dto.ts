import { PartialType } from '@nestjs/swagger';
import { ReplaceUserDto } from './replace-user.dto';

/**
 * Body of `PATCH /users/{id}`: any subset of the fields of `PUT`. A field may be omitted, not
 * null: `{"email": null}` is a 400 naming `email` (skipNullProperties: false).
 */
export class UpdateUserDto extends PartialType(ReplaceUserDto, { skipNullProperties: false }) {}
