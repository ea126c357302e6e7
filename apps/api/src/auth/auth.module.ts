import { Global, Module } from '@nestjs/common';
import { AccountController, StaffSecurityController } from './account.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { GuessingLimits } from './guessing-limits.js';
import { SessionService } from './session.service.js';
import { SignInChallenges } from './sign-in-challenge.service.js';
import { StaffSessionsService } from './staff-sessions.service.js';
import { TwoFactorSettingsService } from './two-factor-settings.service.js';
import { TwoFactorService } from './two-factor.service.js';

@Global()
@Module({
  controllers: [AuthController, AccountController, StaffSecurityController],
  providers: [AuthService, SessionService, TwoFactorService, SignInChallenges, TwoFactorSettingsService, StaffSessionsService, GuessingLimits],
  exports: [SessionService, GuessingLimits],
})
export class AuthModule {}
