import { Foundation1764000000000 } from './1764000000000-foundation.js';
import { ClientsCouplesCareTeams1764000100000 } from './1764000100000-clients-couples-care-teams.js';
import { PracticeExercises1764000200000 } from './1764000200000-practice-exercises.js';
import { AuditLog1764000300000 } from './1764000300000-audit-log.js';
import { SessionNotes1764000400000 } from './1764000400000-session-notes.js';
import { Homework1764000500000 } from './1764000500000-homework.js';
import { IndividualHomeworkActivity1764000600000 } from './1764000600000-individual-homework-activity.js';
import { PracticeLocale1764000920000 } from './1764000920000-practice-locale.js';
import { BackupRuns1764001200000 } from './1764001200000-backup-runs.js';
import { Safety1764001400000 } from './1764001400000-safety.js';
import { SafetyAlertEmail1764001500000 } from './1764001500000-safety-alert-email.js';
import { Delivery1764001000000 } from './1764001000000-delivery.js';
import { StaffAccounts1764001100000 } from './1764001100000-staff-accounts.js';
import { AttentionQueue1764001300000 } from './1764001300000-attention-queue.js';
import { OutcomeMeasures1764100000000 } from './1764100000000-outcome-measures.js';
import { GuessingLimits1764200000000 } from './1764200000000-guessing-limits.js';
import { CareTeamByStaffCovering1764300000000 } from './1764300000000-care-team-by-staff-covering.js';

/** Every migration, oldest first. Migrations are the only way the schema changes. */
export const MIGRATIONS = [
  Foundation1764000000000,
  ClientsCouplesCareTeams1764000100000,
  PracticeExercises1764000200000,
  AuditLog1764000300000,
  SessionNotes1764000400000,
  Homework1764000500000,
  IndividualHomeworkActivity1764000600000,
  PracticeLocale1764000920000,
  Delivery1764001000000,
  StaffAccounts1764001100000,
  BackupRuns1764001200000,
  AttentionQueue1764001300000,
  Safety1764001400000,
  SafetyAlertEmail1764001500000,
  OutcomeMeasures1764100000000,
  GuessingLimits1764200000000,
  CareTeamByStaffCovering1764300000000,
];
