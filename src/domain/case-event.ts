import { Type, type Static } from 'typebox';

// The integration contract: what case systems send to POST /v1/events.
// Unknown properties are allowed everywhere so that case systems can add fields
// without breaking; what we rely on is required and typed.

const Decimal = Type.String({ pattern: '^-?\\d{1,13}(\\.\\d{1,4})?$', description: 'decimal amount as a string, in case.currency' });
const IsoDate = Type.String({ format: 'date', pattern: '^(19|20|21)\\d{2}-', description: 'YYYY-MM-DD' });
// Years 1900–2199 only: PostgreSQL refuses year 0, and anything outside is a data error anyway.
const IsoInstant = Type.String({ format: 'date-time', pattern: '^(19|20|21)\\d{2}-' });
const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' });
const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' });

export const EVENT_TYPES = [
  'case.opened',
  'payment.due',
  'payment.missed',
  'plan.agreed',
  'payment.received',
  'case.closed',
  'case.hold',
  'case.released',
  'debtor.updated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CHANNELS = ['sms', 'whatsapp', 'email', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

// debtAdvice and moratorium (e.g. a Dutch Wgs art. 5 court moratorium) stop collection like insolvency.
export const HOLD_REASONS = ['dispute', 'insolvency', 'debtAdvice', 'moratorium', 'vulnerable', 'deceased', 'ceaseContact', 'legal'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export const Balance = Type.Object({
  principal: Decimal,
  interest: Decimal,
  fees: Decimal,
  total: Decimal,
});

export const CaseSnapshot = Type.Object({
  id: Id,
  reference: Type.String({ minLength: 1, maxLength: 64 }),
  creditor: Type.Object({ id: Id, name: Type.String({ minLength: 1, maxLength: 200 }) }),
  /** Selects policy overrides in policy/overrides/portfolios/<portfolio>.yaml. */
  portfolio: Type.Optional(Id),
  country: Country,
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  balance: Balance,
  dueDate: IsoDate,
  payment: Type.Object({
    iban: Type.String({ pattern: '^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$' }),
    reference: Type.String({ minLength: 1, maxLength: 35 }),
  }),
});

export const ContactPoint = Type.Object({
  channel: Type.Enum(CHANNELS),
  address: Type.String({ minLength: 3, maxLength: 320 }),
  verified: Type.Boolean(),
  /** estate: reaches the estate of a deceased debtor (used only after the pack's pause). */
  kind: Type.Optional(Type.Union([Type.Literal('personal'), Type.Literal('work'), Type.Literal('shared'), Type.Literal('estate')])),
  optIn: Type.Optional(Type.Boolean()),
});

export const DebtorFlags = Type.Object({
  dispute: Type.Boolean(),
  vulnerable: Type.Boolean(),
  insolvency: Type.Boolean(),
  deceased: Type.Boolean(),
  ceaseContact: Type.Boolean(),
});

export const DebtorSnapshot = Type.Object({
  id: Id,
  name: Type.Object({ given: Type.String({ maxLength: 200 }), family: Type.String({ maxLength: 200 }) }),
  locale: Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' }),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  address: Type.Object({
    lines: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 6 }),
    postalCode: Type.String({ maxLength: 16 }),
    city: Type.String({ maxLength: 100 }),
    country: Country,
  }),
  contactPoints: Type.Array(ContactPoint, { maxItems: 20 }),
  preferredChannel: Type.Optional(Type.Enum(CHANNELS)),
  flags: DebtorFlags,
});

export const EventData = Type.Object({
  instalment: Type.Optional(Type.Object({ number: Type.Integer({ minimum: 1 }), amount: Decimal, dueDate: IsoDate })),
  plan: Type.Optional(
    Type.Object({
      instalments: Type.Integer({ minimum: 1, maximum: 600 }),
      amount: Decimal,
      firstDueDate: IsoDate,
      frequency: Type.Union([Type.Literal('weekly'), Type.Literal('biweekly'), Type.Literal('monthly')]),
    }),
  ),
  payment: Type.Optional(Type.Object({ amount: Decimal, receivedOn: Type.Optional(IsoDate) })),
  /** settlement-offer: settle for this amount if paid by validUntil. */
  offer: Type.Optional(Type.Object({ amount: Decimal, validUntil: IsoDate })),
  hold: Type.Optional(Type.Object({ reason: Type.Enum(HOLD_REASONS), note: Type.Optional(Type.String({ maxLength: 500 })) })),
});

export const CaseEvent = Type.Object({
  id: Id,
  type: Type.Enum(EVENT_TYPES),
  occurredAt: IsoInstant,
  case: CaseSnapshot,
  debtor: DebtorSnapshot,
  data: EventData,
});

export type CaseEvent = Static<typeof CaseEvent>;
export type CaseSnapshot = Static<typeof CaseSnapshot>;
export type DebtorSnapshot = Static<typeof DebtorSnapshot>;
export type ContactPoint = Static<typeof ContactPoint>;
export type EventData = Static<typeof EventData>;
