// The shapes the console reads from the service (the contract in the console brief). Kept apart from
// the server's own types: the browser bundle must not pull server modules in.

import type { StaffRole } from '../../domain/staff.ts';

export type Channel = 'sms' | 'email' | 'whatsapp' | 'letter';
export type Language = 'pl' | 'fi' | 'it' | 'nl';
export type SampleCountry = 'PL' | 'FI' | 'IT' | 'NL';
export type VersionStatus = 'draft' | 'submitted' | 'approved' | 'rejected';

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  roles: StaffRole[];
  locale: string;
}

export interface SessionResponse {
  user: StaffUser;
  csrfToken: string;
}

export interface ManagedUser extends StaffUser {
  disabled?: boolean;
  createdAt?: string;
  lastSignInAt?: string | null;
}

export interface StaffAuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  method: string;
  route: string;
  target: unknown;
  status: number;
  ip: string | null;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface CatalogueEntry {
  channel: Channel;
  locale: Language;
  active: { id: string; number: number } | null;
  latest: { id: string; number: number; status: VersionStatus; author: string; createdAt: string } | null;
  awaitingReview: number;
}

export interface CatalogueTemplate {
  template: string;
  description: string | null;
  channels: Channel[];
  readsRestricted: boolean;
  entries: CatalogueEntry[];
}

export interface Catalogue {
  languages: Language[];
  channels: Channel[];
  templates: CatalogueTemplate[];
}

export interface WhereProblem {
  where: string;
  problem: string;
}

export interface TemplateVersion {
  id: string;
  template: string;
  channel: Channel;
  locale: Language;
  number: number;
  parts: Record<string, string>;
  status: VersionStatus;
  author: string;
  reviewer: string | null;
  reviewComment: string | null;
  problems: WhereProblem[];
  createdAt: string;
  active: boolean;
}

export interface LocatedProblem {
  part: string | null;
  line: number | null;
  problem: string;
}

export interface SmsFacts {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  characters: number;
  budget: number;
  warnings: string[];
  transliteration?: unknown;
}

export interface PreviewSample {
  sample: string;
  country: string;
  parts: Record<string, string>;
  error?: string;
  sms?: SmsFacts;
  whatsapp?: { freeText: string; template: { contentSid: string; body: string } | null };
  letterPage?: string;
}

export interface LivePreview {
  problems: LocatedProblem[];
  samples: PreviewSample[];
}

export interface CaseHit {
  caseId: string;
  debtorId: string;
  country: string;
  creditorId: string;
  reference: string | null;
  holdReason: string | null;
  lastEventAt: string | null;
  messages: number;
  matchedOn: 'case' | 'reference' | 'debtor' | 'contact-point';
}

export interface ContactPoint {
  channel: Channel;
  address: string;
  verified: boolean;
  optIn: boolean | null;
  optedOutAt: string | null;
  invalidAt: string | null;
  kind: string | null;
}

export interface CaseSummary {
  caseId: string;
  debtorId: string;
  country: string;
  creditorId: string;
  reference: string | null;
  currency: string | null;
  holdReason: string | null;
  holdSince: string | null;
  debtor: { id: string; locale: string | null; timeZone: string | null; addressCountry: string | null; flags: Record<string, boolean>; erased: boolean };
  contactPoints: ContactPoint[];
  openTask: Record<string, unknown> | null;
}

export type TimelineKind = 'event' | 'decision' | 'message' | 'status' | 'task' | 'reply';

/** A timeline entry: `at`, `kind`, and the fields of its kind (src/store/timeline-repo.ts). */
export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  [field: string]: unknown;
}

export interface Timeline {
  caseId: string;
  entries: TimelineEntry[];
}

export interface ConversationEntry {
  at: string;
  direction: 'in' | 'out';
  [field: string]: unknown;
}

export interface DecisionView {
  outcome: string;
  rule: string;
  reason: string;
  deferUntil: string | null;
  policyVersion: string;
  content?: string;
  evidence?: Record<string, unknown>;
}

export interface SimulatedMessage {
  eventId: string;
  messageId: string;
  step: string;
  channel: string | null;
  template: string;
  status: string;
  text: string | null;
  plan: DecisionView;
  dispatch: DecisionView | null;
}

export interface SimulationResult {
  now: string;
  messages: SimulatedMessage[];
}

// The audit's rows exactly as the service defines them (type-only: nothing of the server is bundled).
export type { DecisionRow, MessageRow } from '../../store/audit-repo.ts';

export interface AuditFacets {
  rules: string[];
  countries: string[];
  channels: string[];
  outcomes: string[];
  statuses: string[];
  templates: string[];
}

export interface PolicyPackView {
  country: string;
  id: string;
  timeZone: string;
  pack: PackBody;
  sources: Array<{ id: string; kind: string; text: string }>;
  overrides: Array<{ name: string; version: string }>;
}

/** The validated pack (src/policy/pack.ts); read defensively, packs may grow. */
export interface PackBody {
  version?: string;
  window?: { appliesTo?: string[]; days?: Partial<Record<Weekday, string>>; sources?: string[] };
  blockedDays?: { holidays?: { types?: string[]; region?: string }; extra?: Array<{ date: string; name: string }>; sources?: string[] };
  caps?: { perDay?: number; perDayPerChannel?: number; rolling7Days?: number; perChannel7Days?: Record<string, number>; letterSpacingFullDays?: number; sources?: string[] };
  privacy?: { unverified?: string; debtDetailsElectronically?: string; sharedGetsMinimal?: boolean; sources?: string[] };
  holds?: { effects?: Record<string, string>; estatePauseDays?: number; sources?: string[] };
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface QueueDepth {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  paused: number;
}

export interface Failure {
  messageId: string;
  caseId: string;
  channel: string | null;
  status: string;
  lastErrorCode: string | null;
  at: string;
}

export interface ForwardingStatus {
  configured: boolean;
  pending: number;
  oldestPendingAgeSeconds: number | null;
  dead: number;
  endpoint: { disabled: boolean; disabledAt: string | null; disabledReason: string | null; pausedUntil: string | null };
}

export interface DeadLetter {
  id: string;
  webhookId: string;
  type: string;
  caseId: string | null;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deadAt: string;
}
