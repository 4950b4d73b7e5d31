import { randomBytes } from 'node:crypto';
import { statusCallbackUrl } from '../../src/jobs/dispatch-processor.ts';
import type { Channel } from '../../src/domain/case-event.ts';
import type { OutboundMessage } from '../../src/channels/channel-adapter.ts';
import { loadCatalogue } from '../../src/rendering/catalogue.ts';
import { sampleFor } from '../../src/rendering/catalogue-check.ts';
import { catalogueRenderer } from '../../src/rendering/message-renderer.ts';
import { SAMPLE_ENVIRONMENT } from '../../src/rendering/render-context.ts';
import { contractFixtures } from '../../src/rendering/sample-events.ts';
import { ROOT } from '../support/stack.ts';

// What the bench sends: the catalogue's own renders of the four contract events (pl, fi, it, nl),
// made once before the clock starts, so the figures are the adapters' and their transports', not
// the renderer's (bench/render.ts measures that). Each message gets its own id and number.

export interface Rendered {
  country: string;
  locale: string;
  body: string;
  parts: Record<string, string>;
}

export interface Content {
  /** Every contract event rendered with `template` on `channel`, in the event's language. */
  rendered(template: string, channel: Channel): Rendered[];
}

export async function loadContent(): Promise<Content> {
  const catalogue = await loadCatalogue({ templatesDir: `${ROOT}/templates`, localesDir: `${ROOT}/locales` });
  const renderer = catalogueRenderer(catalogue, SAMPLE_ENVIRONMENT);
  const fixtures = await contractFixtures();
  return {
    rendered(template, channel) {
      if (!renderer.has(template, channel)) throw new Error(`the catalogue has no ${channel} ${template}`);
      return fixtures.map(({ event }) => {
        // sampleFor adds the data an event type always carries (a plan, an instalment) when the example lacks it.
        const sample = sampleFor(template, event, channel);
        const r = renderer.render(template, channel, sample.event);
        return { country: event.case.country, locale: r.locale, body: r.body, parts: r.parts };
      });
    },
  };
}

/** Message ids as the planner makes them (msg_ + 32 hex), unique to this run. */
export function messageIds(): (i: number) => string {
  const run = randomBytes(4).toString('hex');
  return (i) => `msg_${run}${i.toString(16).padStart(24, '0')}`;
}

// The stand-in answers numbers ending in 0000001…0000005 and 00/01 + a WhatsApp code with errors:
// 1,000,000 + i keeps the last seven digits clear of both for any i below nine million.
const PREFIX: Record<string, string> = { PL: '+4860', FI: '+35840', IT: '+39320', NL: '+3161' };
export const phoneNumber = (country: string, i: number): string => `${PREFIX[country] ?? '+3161'}${1_000_000 + i}`;

/** The i-th message of a rotation over `rendered`, addressed to its own number. */
export function outbound(channel: Channel, rendered: readonly Rendered[], id: (i: number) => string, i: number, to: (country: string, i: number) => string): OutboundMessage {
  const r = rendered[i % rendered.length]!;
  const messageId = id(i);
  return {
    messageId,
    channel,
    to: to(r.country, i),
    body: r.body,
    country: r.country,
    // The stand-in runs with callbacks off: the URL only has to name the message, as dispatch's does.
    statusCallbackUrl: statusCallbackUrl('https://orchestrator.demo-collect.example', messageId),
    parts: r.parts,
    locale: r.locale,
    conversationOpen: false,
  };
}
