import { ApiProperty } from '@nestjs/swagger';

/** One RSA public key (RFC 7517). */
export class JwkDto {
  @ApiProperty({ enum: ['RSA'], example: 'RSA' })
  kty: 'RSA';

  @ApiProperty({
    description: 'Key id (the RFC 7638 thumbprint of the key), matched against a token header',
    example: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  })
  kid: string;

  @ApiProperty({ enum: ['RS256'], example: 'RS256' })
  alg: 'RS256';

  @ApiProperty({ enum: ['sig'], example: 'sig' })
  use: 'sig';

  @ApiProperty({
    description: 'Modulus, base64url',
    example: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFb...',
  })
  n: string;

  @ApiProperty({ description: 'Public exponent, base64url', example: 'AQAB' })
  e: string;
}

/** `GET /auth/jwks.json`: the keys that verify access tokens (current, previous and next). */
export class JwksDto {
  @ApiProperty({ type: [JwkDto] })
  keys: JwkDto[];
}
