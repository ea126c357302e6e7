import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, Matches, MaxLength } from 'class-validator';

export class TwoFactorCodeDto {
  @ApiProperty({ description: 'Six digits from the authenticator app, or one recovery code', example: '123456', maxLength: 40 })
  @IsString()
  @MaxLength(40)
  @Matches(/^(\s*\d\s*){6}$|^[A-Za-z2-7\s-]{16,30}$/, { message: 'must be the six digits your app shows, or a recovery code' })
  code: string;
}

export class PracticeSecurityDto {
  @ApiProperty({ description: 'Everyone must sign in with a second factor; people without one enrol at their next sign-in' })
  @IsBoolean()
  requireTwoFactor: boolean;
}
