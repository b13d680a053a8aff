import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Patch,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import {
  PageQueryDto,
  ProblemDto,
  RegisterUserDto,
  ReplaceUserDto,
  UpdateUserDto,
  UserPageDto,
  UserResponseDto,
} from '@app/contracts';
import { Auth, AuthenticatedUser, CurrentUser, UuidParam } from '@app/platform';
import { DeleteUserUseCase } from '../../application/use-cases/delete-user.use-case';
import { GetUserUseCase } from '../../application/use-cases/get-user.use-case';
import { ListUsersUseCase } from '../../application/use-cases/list-users.use-case';
import { RegisterUserUseCase } from '../../application/use-cases/register-user.use-case';
import { UpdateUserUseCase, UserChanges } from '../../application/use-cases/update-user.use-case';
import { AuthRateLimitGuard } from './auth-rate-limit.guard';
import { UserPresenter } from './user.presenter';
import {
  CHANGE_BAD_REQUEST,
  CHANGE_FORBIDDEN,
  CHANGE_LIMITED,
  EMAIL_TAKEN,
  USER_NOT_FOUND,
} from './problem-examples';

const ID_PARAM = { name: 'id', format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' };
const NOT_FOUND = USER_NOT_FOUND;
const CHANGE_NOTES =
  'Only an admin may change a role (403 `role-change-forbidden` otherwise). Users changing ' +
  'their own password or email (admins too) send `current_password`: missing, 400 ' +
  '`current-password-required`; wrong, 403 `current-password-incorrect` (counted like a ' +
  'failed login of the email; past the budget 429 `too-many-login-attempts`). A password, ' +
  'email or role change voids every access token the user had: log in again.';

@ApiTags('users')
@ApiBadRequestResponse({
  type: ProblemDto,
  description: 'Invalid input or an unknown field; `errors` names the fields.',
})
@Controller('users')
export class UsersController {
  constructor(
    private readonly registerUser: RegisterUserUseCase,
    private readonly getUser: GetUserUseCase,
    private readonly listUsers: ListUsersUseCase,
    private readonly updateUser: UpdateUserUseCase,
    private readonly deleteUser: DeleteUserUseCase,
  ) {}

  @Post()
  @UseGuards(AuthRateLimitGuard)
  @ApiOperation({
    summary: 'Register (public): always a customer',
    description:
      'A `role` field (like any unknown field) is refused with 400. The email is trimmed and ' +
      'lower-cased; the name is trimmed. Limited per IP and per email together with login.',
  })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiConflictResponse(EMAIL_TAKEN)
  @ApiTooManyRequestsResponse({
    type: ProblemDto,
    description:
      'Too many password requests from this IP or for this email (`rate-limited`), or every ' +
      'password-hashing slot busy (`password-hashing-busy`); see Retry-After.',
  })
  async register(@Body() body: RegisterUserDto): Promise<UserResponseDto> {
    const user = await this.registerUser.execute({
      name: body.name,
      email: body.email,
      password: body.password,
    });
    return UserPresenter.toResponse(user);
  }

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: 'List users (admin), ordered by creation time then id' })
  @ApiOkResponse({ type: UserPageDto })
  async list(@Query() query: PageQueryDto): Promise<UserPageDto> {
    const page = await this.listUsers.execute({ limit: query.limit, offset: query.offset });
    return UserPresenter.toPage(page, query.limit, query.offset);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'Get a user (self or admin)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(
    @CurrentUser() actor: AuthenticatedUser,
    @UuidParam('id') id: string,
  ): Promise<UserResponseDto> {
    return UserPresenter.toResponse(await this.getUser.execute(actor, id));
  }

  @Put(':id')
  @UseGuards(AuthRateLimitGuard) // above @Auth(): runs after the token check
  @Auth()
  @ApiOperation({
    summary: 'Replace name and email, optionally password and role (self or admin)',
    description: CHANGE_NOTES,
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: UserResponseDto })
  @ApiBadRequestResponse(CHANGE_BAD_REQUEST)
  @ApiForbiddenResponse(CHANGE_FORBIDDEN)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse(EMAIL_TAKEN)
  @ApiTooManyRequestsResponse(CHANGE_LIMITED)
  async replace(
    @CurrentUser() actor: AuthenticatedUser,
    @UuidParam('id') id: string,
    @Body() body: ReplaceUserDto,
  ): Promise<UserResponseDto> {
    return UserPresenter.toResponse(await this.updateUser.execute(actor, id, changesOf(body)));
  }

  @Patch(':id')
  @UseGuards(AuthRateLimitGuard) // above @Auth(): runs after the token check
  @Auth()
  @ApiOperation({
    summary: 'Change some of name, email, password, role (self or admin)',
    description: CHANGE_NOTES,
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: UserResponseDto })
  @ApiBadRequestResponse(CHANGE_BAD_REQUEST)
  @ApiForbiddenResponse(CHANGE_FORBIDDEN)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse(EMAIL_TAKEN)
  @ApiTooManyRequestsResponse(CHANGE_LIMITED)
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return UserPresenter.toResponse(await this.updateUser.execute(actor, id, changesOf(body)));
  }

  @Delete(':id')
  @Auth()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a user (self or admin)',
    description: 'Every access token of the user is refused from then on.',
  })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse(NOT_FOUND)
  async remove(
    @CurrentUser() actor: AuthenticatedUser,
    @UuidParam('id') id: string,
  ): Promise<void> {
    await this.deleteUser.execute(actor, id);
  }
}

function changesOf(body: UpdateUserDto): UserChanges {
  return {
    name: body.name,
    email: body.email,
    password: body.password,
    role: body.role,
    currentPassword: body.current_password,
  };
}
