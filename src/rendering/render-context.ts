import type { CaseEvent, Channel } from '../domain/case-event.ts';
import { dutchCollectionCosts } from '../domain/collection-costs.ts';

/** Who the debtor hears from and can reach: the collection agency running the service. */
export interface Sender {
  name: string;
  phone: string;
  email: string;
  web: string;
  hours: string;
  address: { lines: string[]; postalCode: string; city: string; country: string };
}

export interface MessageLinks {
  pay: string;
  help: string;
  optOut: string;
}

/** What rendering needs beyond the event: the sender, the links for this message, the day. */
export interface RenderEnvironment {
  sender: Sender;
  /** With a message id, the opt-out link is that message's one-click unsubscribe. */
  links(event: CaseEvent, messageId?: string): MessageLinks;
  today(): string;
  optedOutChannel?: Channel | null;
}

/** A plain, prototype-less copy holding only the given keys (absent optional values become null). */
function pick(source: object | undefined | null, keys: readonly string[]): Record<string, unknown> | null {
  if (source === undefined || source === null) return null;
  const out: Record<string, unknown> = Object.create(null);
  for (const key of keys) out[key] = (source as Record<string, unknown>)[key] ?? null;
  return out;
}

function obj(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, entries);
}

const address = (a: { lines: readonly string[]; postalCode: string; city: string; country: string }) =>
  obj({ lines: [...a.lines], postalCode: a.postalCode, city: a.city, country: a.country });

// The sender is the same for every message of an environment: copied once, not per render.
const senders = new WeakMap<Sender, Record<string, unknown>>();
function senderContext(sender: Sender): Record<string, unknown> {
  let found = senders.get(sender);
  if (!found) senders.set(sender, (found = obj({ ...sender, address: address(sender.address) })));
  return found;
}

/**
 * What templates see (templates/catalogue.yaml lists it as `variables`): the case, the debtor's
 * name and postal address, the event data, the amount and date that is due, the Dutch statutory
 * collection costs, the sender, the links and the day. Nothing else reaches a template.
 */
export function buildRenderContext(event: CaseEvent, env: RenderEnvironment): Record<string, unknown> {
  const c = event.case;
  const { instalment, plan, payment, offer } = event.data;
  return obj({
    case: obj({
      id: c.id,
      reference: c.reference,
      creditor: obj({ id: c.creditor.id, name: c.creditor.name }),
      country: c.country,
      currency: c.currency,
      balance: pick(c.balance, ['principal', 'interest', 'fees', 'total']),
      dueDate: c.dueDate,
      payment: pick(c.payment, ['iban', 'reference']),
    }),
    debtor: obj({ name: pick(event.debtor.name, ['given', 'family']), locale: event.debtor.locale, address: address(event.debtor.address) }),
    data: obj({
      instalment: pick(instalment, ['number', 'amount', 'dueDate']),
      plan: pick(plan, ['instalments', 'amount', 'firstDueDate', 'frequency']),
      payment: pick(payment, ['amount', 'receivedOn']),
      offer: pick(offer, ['amount', 'validUntil']),
    }),
    // payment-due / payment-missed: the instalment when the event names one, else the whole balance.
    due: instalment
      ? obj({ amount: instalment.amount, date: instalment.dueDate, instalmentNumber: instalment.number })
      : obj({ amount: c.balance.total, date: c.dueDate, instalmentNumber: null }),
    costs: obj({ collection: c.country === 'NL' && c.currency === 'EUR' ? dutchCollectionCosts(c.balance.principal) : null }),
    sender: senderContext(env.sender),
    links: obj({ ...env.links(event) }),
    optedOutChannel: env.optedOutChannel ?? null,
    today: env.today(),
  });
}

/** Sample sender and links: the local demo, previews and tests (production takes them from config). */
export const SAMPLE_ENVIRONMENT: RenderEnvironment = {
  sender: {
    name: 'Demo Collect',
    phone: '+31 20 123 4567',
    email: 'help@demo-collect.example',
    web: 'https://demo-collect.example',
    hours: '9–17',
    address: { lines: ['Postbus 123'], postalCode: '1000 AA', city: 'Amsterdam', country: 'NL' },
  },
  links: (event) => ({
    pay: `https://pay.demo-collect.example/c/${encodeURIComponent(event.case.id)}`,
    help: 'https://demo-collect.example/help',
    optOut: `https://demo-collect.example/unsubscribe/${encodeURIComponent(event.case.id)}`,
  }),
  today: () => new Date().toISOString().slice(0, 10),
};
