import type { SetPasswordRequest } from '@tandem/shared';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { TOKEN_PATTERN } from '../../common/tokens.js';

export class InviteTokenDto {
  @ApiProperty({ description: 'The token from the invite link', pattern: TOKEN_PATTERN.source })
  @IsString()
  @Matches(TOKEN_PATTERN, { message: 'is not a valid invite link' })
  token: string;
}

export class SetPasswordDto extends InviteTokenDto implements SetPasswordRequest {
  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @MaxLength(256)
  password: string;
}
