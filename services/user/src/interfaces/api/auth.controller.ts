import { Body, Controller, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AccessTokenDto, JwksDto, LoginDto, ProblemDto, UserResponseDto } from '@app/contracts';
import { Auth, AuthenticatedUser, CurrentUser } from '@app/platform';
import { GetPublishedKeysUseCase } from '../../application/use-cases/get-published-keys.use-case';
import { GetUserUseCase } from '../../application/use-cases/get-user.use-case';
import { LoginUseCase } from '../../application/use-cases/login.use-case';
import { AuthRateLimitGuard } from './auth-rate-limit.guard';
import { UserPresenter } from './user.presenter';
import { INVALID_CREDENTIALS, LOGIN_LIMITED, ME_NOT_FOUND } from './problem-examples';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly login: LoginUseCase,
    private readonly getUser: GetUserUseCase,
    private readonly publishedKeys: GetPublishedKeysUseCase,
  ) {}

  @Post('login')
  @HttpCode(200)
  @UseGuards(AuthRateLimitGuard)
  // RFC 6749 §5.1: token responses must not be cached.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Log in with email and password: a short-lived RS256 access token',
    description:
      'An unknown email and a wrong password get the same 401 after the same work. Limited per ' +
      'email (failed logins in a window, LOGIN_MAX_FAILURES_PER_EMAIL per ' +
      'LOGIN_FAILURE_WINDOW_SECONDS; a success resets it) and per IP (with registration).',
  })
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'Missing or malformed email or password; `errors` names the fields.',
  })
  @ApiUnauthorizedResponse(INVALID_CREDENTIALS)
  @ApiTooManyRequestsResponse(LOGIN_LIMITED)
  async logIn(@Body() body: LoginDto): Promise<AccessTokenDto> {
    const issued = await this.login.execute({ email: body.email, password: body.password });
    return UserPresenter.toAccessToken(issued);
  }

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The user the bearer token belongs to' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse(ME_NOT_FOUND)
  async me(@CurrentUser() actor: AuthenticatedUser): Promise<UserResponseDto> {
    return UserPresenter.toResponse(await this.getUser.execute(actor, actor.id));
  }

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Public keys that verify access tokens (JWKS, RFC 7517)',
    description:
      'The current key, the previous one (tokens it signed stay valid until they expire) and, ' +
      'for generated keys, the next one (published before it signs anything).',
  })
  @ApiOkResponse({ type: JwksDto })
  async jwks(): Promise<JwksDto> {
    return UserPresenter.toJwks(await this.publishedKeys.execute());
  }
}
