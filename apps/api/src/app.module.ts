import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import { AccessGuard } from './access/access.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { HealthModule } from './health/health.module.js';
import { StaffModule } from './staff/staff.module.js';
import { AccessModule } from './access/access.module.js';
import { CareTeamsModule } from './care-teams/care-teams.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { CouplesModule } from './couples/couples.module.js';
import { CaseloadsModule } from './caseloads/caseloads.module.js';
import { AuditModule } from './audit/audit.module.js';
import { EncryptionModule } from './encryption/encryption.module.js';
import { NotesModule } from './notes/notes.module.js';
import { ExercisesModule } from './exercises/exercises.module.js';
import { AssignmentsModule } from './assignments/assignments.module.js';
import { PortalModule } from './portal/portal.module.js';
import { BackupsModule } from './backups/backups.module.js';
import { SafetyModule } from './safety/safety.module.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { EmergencyAccessModule } from './emergency-access/emergency-access.module.js';
import { AttentionModule } from './attention/attention.module.js';
import { MeasuresModule } from './measures/measures.module.js';

@Module({})
export class AppModule {
  /** `databaseUrl` is resolved by the caller: an external server or the embedded one. */
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot(databaseUrl, config.dbPoolSize),
        EncryptionModule.forRoot(config),
        AccessModule,
        AuditModule,
        AuthModule,
        HealthModule,
        StaffModule,
        CareTeamsModule,
        ClientsModule,
        CouplesModule,
        CaseloadsModule,
        NotesModule,
        ExercisesModule,
        AssignmentsModule,
        PortalModule,
        BackupsModule,
        SafetyModule,
        DeliveryModule,
        EmergencyAccessModule,
        AttentionModule,
        MeasuresModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [APP_CONFIG],
    };
  }
}
