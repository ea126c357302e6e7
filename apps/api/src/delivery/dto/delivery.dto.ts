import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { REMINDER_HOUR_MAX, REMINDER_HOUR_MIN } from '@tandem/shared';
import { PageQuery } from '../../common/page-query.js';
import { TOKEN_PATTERN } from '../../common/tokens.js';

export class FailedDeliveriesQuery extends PageQuery {}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'sam@example.org' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email: string;
}

export class PasswordResetDto {
  @ApiProperty({ description: 'The token from the reset link', pattern: TOKEN_PATTERN.source })
  @IsString()
  @Matches(TOKEN_PATTERN, { message: 'is not a valid reset link' })
  token: string;

  @ApiProperty({ minLength: 10, maxLength: 256 })
  @IsString()
  @MaxLength(256)
  password: string;
}

export class ReminderSettingsDto {
  @ApiProperty()
  @IsBoolean({ message: 'must be true or false' })
  enabled: boolean;

  @ApiProperty({ minimum: REMINDER_HOUR_MIN, maximum: REMINDER_HOUR_MAX, description: 'Local hour; quiet hours are 21:00 to 08:00' })
  @IsInt({ message: `must be a whole hour from ${REMINDER_HOUR_MIN} to ${REMINDER_HOUR_MAX}` })
  @Min(REMINDER_HOUR_MIN, { message: `must be ${REMINDER_HOUR_MIN} or later (quiet hours end at 08:00)` })
  @Max(REMINDER_HOUR_MAX, { message: `must be ${REMINDER_HOUR_MAX} or earlier (quiet hours start at 21:00)` })
  hour: number;
}

export class DigestSettingDto {
  @ApiProperty()
  @IsBoolean({ message: 'must be true or false' })
  enabled: boolean;
}
