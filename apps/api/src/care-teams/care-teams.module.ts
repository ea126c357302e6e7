import { Global, Module } from '@nestjs/common';
import { CareTeamService } from './care-team.service.js';

@Global()
@Module({ providers: [CareTeamService], exports: [CareTeamService] })
export class CareTeamsModule {}
