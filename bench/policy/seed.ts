import type { Db } from '../../src/store/db.ts';

// Debtors, cases, events, one verified personal SMS point each and K pending SMS messages, in one
// statement per table (generate_series), so seeding 20,000 messages takes a moment, not minutes.
// Debtor n lives in COUNTRIES[n % 4]; ids carry a prefix so the race's debtors stand apart.

export const COUNTRIES = [
  { country: 'PL', zone: 'Europe/Warsaw', currency: 'PLN', locale: 'pl', phone: "'+485' || lpad(g::text, 8, '0')" },
  { country: 'FI', zone: 'Europe/Helsinki', currency: 'EUR', locale: 'fi', phone: "'+35840' || lpad(g::text, 7, '0')" },
  { country: 'IT', zone: 'Europe/Rome', currency: 'EUR', locale: 'it', phone: "'+393' || lpad(g::text, 9, '0')" },
  { country: 'NL', zone: 'Europe/Amsterdam', currency: 'EUR', locale: 'nl', phone: "'+316' || lpad(g::text, 8, '0')" },
] as const;

const pick = (field: 'country' | 'zone' | 'currency' | 'locale'): string => `(array[${COUNTRIES.map((c) => `'${c[field]}'`).join(', ')}])[(g + :offset::int) % 4 + 1]`;
const phone = `case (g + :offset::int) % 4 ${COUNTRIES.map((c, i) => `when ${i} then ${c.phone.replaceAll('g::text', '(:numbers::int + g)::text')}`).join(' ')} end`;

const FLAGS = JSON.stringify({ dispute: false, vulnerable: false, insolvency: false, deceased: false, ceaseContact: false });

type Params = Record<string, string | number | Date>;

/** `:name` placeholders to `$n`, each value passed once, so no statement carries a parameter it does not use. */
function named(text: string, params: Params): { text: string; values: unknown[] } {
  const order: string[] = [];
  const out = text.replace(/(?<!:):([a-z]+)\b/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`seed: no parameter ${name}`);
    if (!order.includes(name)) order.push(name);
    return `$${order.indexOf(name) + 1}`;
  });
  return { text: out, values: order.map((name) => params[name]) };
}

export interface SeedSpec {
  /** Id prefix of these debtors (and their cases, events, messages). */
  prefix: string;
  debtors: number;
  messagesPerDebtor: number;
  /** Rotates the countries: the first debtor lives in COUNTRIES[countryOffset % 4]. */
  countryOffset?: number;
  /** Keeps phone numbers unique across several seeds. */
  numberOffset: number;
  occurredAt: Date;
}

/** Inserts the rows; returns the message ids as [debtor][k]. */
export async function seed(db: Db, spec: SeedSpec): Promise<string[][]> {
  const { prefix, debtors, messagesPerDebtor: k, occurredAt } = spec;
  const offset = (spec.countryOffset ?? 0) % 4;
  const params: Params = { debtors, offset, numbers: spec.numberOffset, prefix, at: occurredAt, k, flags: FLAGS };
  const run = (text: string): Promise<unknown> => db.query(named(text, params));
  const series = 'from generate_series(0, :debtors::int - 1) g';
  await run(
    `insert into debtors (id, locale, time_zone, address_country, preferred_channel, flags, personal, last_event_at)
     select :prefix || '-d' || g, ${pick('locale')}, ${pick('zone')}, ${pick('country')}, 'sms', :flags::jsonb, '{}'::jsonb, :at::timestamptz ${series}`,
  );
  await run(
    `insert into cases (id, debtor_id, creditor_id, country, currency, reference, snapshot, last_event_at)
     select :prefix || '-c' || g, :prefix || '-d' || g, 'bench-creditor', ${pick('country')}, ${pick('currency')}, 'REF-' || :prefix || '-' || g, '{}'::jsonb, :at::timestamptz ${series}`,
  );
  await run(
    `insert into events (id, webhook_id, type, case_id, debtor_id, occurred_at, payload, status, planned_at)
     select :prefix || '-e' || g, 'msg_' || :prefix || '_' || g, 'payment.missed', :prefix || '-c' || g, :prefix || '-d' || g, :at::timestamptz, '{}'::jsonb, 'planned', :at::timestamptz ${series}`,
  );
  // opt_in: the Italian pack sends debt details electronically only where the debtor agreed.
  await run(
    `insert into contact_points (debtor_id, channel, address, verified, kind, opt_in)
     select :prefix || '-d' || g, 'sms', ${phone}, true, 'personal', true ${series}`,
  );
  await run(
    `insert into messages (id, event_id, case_id, debtor_id, step, channel, contact_point_id, to_address, template, locale, body, status, content)
     select :prefix || '-m' || g || '-' || s, :prefix || '-e' || g, :prefix || '-c' || g, p.debtor_id, 'reminder-' || s, 'sms', p.id, p.address,
            'payment-reminder', ${pick('locale')}, 'Reminder ' || s || ' for reference REF-' || :prefix || '-' || g || ': please pay or call us.', 'pending', 'full'
       from generate_series(0, :debtors::int - 1) g
       join contact_points p on p.debtor_id = :prefix || '-d' || g
      cross join generate_series(0, :k::int - 1) s`,
  );
  await db.query('analyze');
  return Array.from({ length: debtors }, (_, g) => Array.from({ length: k }, (_, s) => `${prefix}-m${g}-${s}`));
}
