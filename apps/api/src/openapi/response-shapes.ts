import type {
  AlertCounts,
  AlertView,
  ApiErrorBody,
  AssignmentDetail,
  AssignmentSummary,
  AttentionCount,
  AttentionItem,
  AuditEventView,
  AuditVerification,
  BackupStatus,
  BroughtToSession,
  CaseloadBoard,
  ClientDetail,
  ClientSummary,
  CoupleDetail,
  CoupleSummary,
  CrisisResources,
  DigestSetting,
  EmergencyAccessGrant,
  EmergencyAccessNotice,
  EmergencyCandidate,
  EmergencyNote,
  EmergencyRecord,
  EndedSessions,
  FailedDelivery,
  HealthStatus,
  InviteInfo,
  InviteResponse,
  IssuedPortalLink,
  LibraryItem,
  LatestMeasures,
  LibraryItemDetail,
  Liveness,
  LoginResponse,
  MeasureCoverage,
  MeasureScoreView,
  MeasureSummary,
  MeResponse,
  NoteDetail,
  NoteSummary,
  Page,
  PasswordResetRequested,
  PortalHome,
  PortalItem,
  PortalLinkStatus,
  PortalMe,
  PortalMeasureScore,
  PortalOccurrence,
  PracticeSecurity,
  RecoveryCodesResponse,
  ReminderSettings,
  ResponseReview,
  SavedResponse,
  SentLinks,
  StaffMember,
  StaffSessionInfo,
  Trends,
  TwoFactorEnrolment,
  TwoFactorSignInEnrolled,
  TwoFactorStatus,
  Unsubscribed,
} from '@tandem/shared';

/**
 * Every response body the API documents, by the name it has in the OpenAPI
 * document. The shapes themselves are the shared contracts: this map only
 * names them (and the pages of them), so there is one source of truth per
 * shape. `npm run api:types` turns it into JSON schemas
 * (`contract-schemas.ts`), and `@Returns(name)` ties a route to one of them.
 */
export interface ResponseShapes {
  ApiErrorBody: ApiErrorBody;

  AlertCounts: AlertCounts;
  AlertView: AlertView;
  AlertViewPage: Page<AlertView>;
  AssignmentDetail: AssignmentDetail;
  AssignmentSummaryPage: Page<AssignmentSummary>;
  AttentionCount: AttentionCount;
  AttentionItemPage: Page<AttentionItem>;
  AuditEventViewPage: Page<AuditEventView>;
  AuditVerification: AuditVerification;
  BackupStatus: BackupStatus;
  BroughtToSession: BroughtToSession;
  CaseloadBoard: CaseloadBoard;
  ClientDetail: ClientDetail;
  ClientSummaryPage: Page<ClientSummary>;
  CoupleDetail: CoupleDetail;
  CoupleSummaryPage: Page<CoupleSummary>;
  CrisisResources: CrisisResources;
  DigestSetting: DigestSetting;
  EmergencyAccessGrant: EmergencyAccessGrant;
  EmergencyAccessGrantPage: Page<EmergencyAccessGrant>;
  EmergencyAccessNoticePage: Page<EmergencyAccessNotice>;
  EmergencyCandidatePage: Page<EmergencyCandidate>;
  EmergencyNotePage: Page<EmergencyNote>;
  EmergencyRecord: EmergencyRecord;
  EndedSessions: EndedSessions;
  FailedDeliveryPage: Page<FailedDelivery>;
  HealthStatus: HealthStatus;
  InviteInfo: InviteInfo;
  InviteResponse: InviteResponse;
  IssuedPortalLink: IssuedPortalLink;
  LatestMeasures: LatestMeasures;
  LibraryItemDetail: LibraryItemDetail;
  LibraryItemPage: Page<LibraryItem>;
  Liveness: Liveness;
  LoginResponse: LoginResponse;
  MeasureCoverage: MeasureCoverage;
  MeasureScoreViewPage: Page<MeasureScoreView>;
  MeasureSummary: MeasureSummary;
  MeResponse: MeResponse;
  NoteDetail: NoteDetail;
  NoteSummaryPage: Page<NoteSummary>;
  PasswordResetRequested: PasswordResetRequested;
  PortalHome: PortalHome;
  PortalItemPage: Page<PortalItem>;
  PortalLinkStatus: PortalLinkStatus;
  PortalMe: PortalMe;
  PortalMeasureScorePage: Page<PortalMeasureScore>;
  PortalOccurrence: PortalOccurrence;
  PracticeSecurity: PracticeSecurity;
  RecoveryCodesResponse: RecoveryCodesResponse;
  ReminderSettings: ReminderSettings;
  ResponseReview: ResponseReview;
  SavedResponse: SavedResponse;
  SentLinks: SentLinks;
  StaffMember: StaffMember;
  StaffMemberPage: Page<StaffMember>;
  StaffSessionInfoPage: Page<StaffSessionInfo>;
  Trends: Trends;
  TwoFactorEnrolment: TwoFactorEnrolment;
  TwoFactorSignInEnrolled: TwoFactorSignInEnrolled;
  TwoFactorStatus: TwoFactorStatus;
  Unsubscribed: Unsubscribed;
}

export type ResponseShapeName = keyof ResponseShapes;
