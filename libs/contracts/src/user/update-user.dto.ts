import { PartialType } from '@nestjs/swagger';
import { ReplaceUserDto } from './replace-user.dto';

/** Body of `PATCH /users/{id}`: any subset of the fields of `PUT`. */
export class UpdateUserDto extends PartialType(ReplaceUserDto) {}
