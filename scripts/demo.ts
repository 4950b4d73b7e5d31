import { readFileSync, readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import twilio from 'twilio';
import { signWebhook } from '../src/http/webhook-signature.ts';

// npm run demo: posts the four contract events, signed, to a running service (npm start),
// waits for their SMS to be delivered by the local Twilio stand-in, and prints each timeline.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eventsDir = path.join(root, 'test', 'fixtures', 'events');
const config = loadConfig();
const base = process.env.DEMO_URL ?? `http://127.0.0.1:${config.port}`;
const secret = config.eventWebhookSecrets[0] ?? '';

const out = (line = '') => process.stdout.write(`${line}\n`);
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

async function waitForService(): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const ready = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false);
    if (ready) return;
    if (i === 0) out(dim(`waiting for the service at ${base} (start it with: npm start)…`));
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the service at ${base} is not ready; start it with npm start`);
}

interface Entry {
  at: string;
  kind: 'event' | 'decision' | 'message' | 'status' | 'task' | 'reply';
  [key: string]: unknown;
}

async function timeline(apiKey: string, caseId: string): Promise<Entry[]> {
  const res = await fetch(`${base}/v1/cases/${encodeURIComponent(caseId)}/timeline`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!res.ok) throw new Error(`timeline for ${caseId}: HTTP ${res.status}`);
  return ((await res.json()) as { entries: Entry[] }).entries;
}

// Email over plain SMTP ends at `sent`; a letter waits `queued` for the print house's cut-off.
const FINAL = new Set(['delivered', 'undelivered', 'failed', 'read', 'blocked', 'cancelled', 'posted']);
const settled = (m: Entry): boolean => FINAL.has(String(m.status)) || (m.channel === 'email' && m.status === 'sent') || (m.channel === 'letter' && m.status === 'queued');

function describe(e: Entry): string {
  const time = e.at.slice(11, 23);
  switch (e.kind) {
    case 'event':
      return `${time}  event     ${e.type} (${e.eventId})`;
    case 'decision':
      return `${time}  decision  ${String(e.stage).padEnd(8)} ${String(e.outcome).toUpperCase()} ${e.channel ?? ''} — ${e.reason} [${e.rule}, ${e.policyVersion}]`;
    case 'message':
      return `${time}  message   ${e.channel} to ${e.channel === 'letter' ? 'the postal address' : e.to} · template ${e.template}/${e.locale} ${e.templateVersion}${e.channel === 'sms' ? ` · ${e.encoding}, ${e.segments} segment(s)` : ''}${e.content === 'minimal' ? ' · minimal content (no debt details)' : ''}`;
    case 'task':
      return `${time}  task      for a person: ${e.reason}`;
    case 'reply':
      return `${time}  reply     ${e.channel}: intent ${String(e.intent ?? e.keyword)}`;
    case 'status':
      return `${time}  status    ${e.status}${e.providerStatus ? ` (provider: ${e.providerStatus})` : ''} · from ${e.source}`;
  }
}

const key = process.env.DEMO_API_KEY ?? config.bootstrapApiKey;
if (!key) throw new Error('set DEMO_API_KEY (create one with: npm run api-key -- --name demo)');
await waitForService();

const files = readdirSync(eventsDir).filter((f) => f.endsWith('.json')).sort();
const cases: string[] = [];
// The four contract examples reach their debtors by SMS, email and WhatsApp; a fifth debtor has
// only a postal address, so the Polish example is sent to them as a letter.
const polish = JSON.parse(readFileSync(path.join(eventsDir, 'pl-payment-missed.json'), 'utf8')) as { id: string; case: { id: string }; debtor: Record<string, unknown> };
const letterEvent = {
  ...polish,
  id: 'evt-demo-letter-0001',
  case: { ...polish.case, id: 'PL-2026-000456' },
  debtor: { ...polish.debtor, id: 'deb-pl-000456', name: { given: 'Zofia', family: 'Wiśniewska' }, contactPoints: [], preferredChannel: undefined },
};
const bodies = [...files.map((f) => ({ name: f, body: readFileSync(path.join(eventsDir, f), 'utf8') })), { name: 'a letter (PL)', body: JSON.stringify(letterEvent) }];
out(bold(`Posting ${bodies.length} signed case events to ${base}/v1/events`));
for (const { name: file, body } of bodies) {
  const event = JSON.parse(body) as { id: string; type: string; case: { id: string } };
  const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...signWebhook(secret, `msg_${randomUUID()}`, body) }, body });
  const answer = (await res.json()) as { duplicate?: boolean; title?: string };
  out(`  ${file.padEnd(24)} → HTTP ${res.status} ${res.status === 202 ? 'accepted' : answer.duplicate ? 'already received (idempotent)' : (answer.title ?? '')}`);
  cases.push(event.case.id);
}

out();
out(dim('waiting for the messages to be delivered…'));
const deadline = Date.now() + 30_000;
const timelines = new Map<string, Entry[]>();
for (const caseId of cases) {
  for (;;) {
    const entries = await timeline(key, caseId);
    const messages = entries.filter((e) => e.kind === 'message');
    // A message the policy holds back (quiet hours, a holiday, a cap, a hold) is settled for the demo too.
    const waiting = (m: Entry) => m.status === 'held' || (m.status === 'pending' && typeof m.notBefore === 'string' && Date.parse(m.notBefore) > Date.now());
    if ((messages.length && messages.every((m) => settled(m) || waiting(m))) || Date.now() > deadline) {
      timelines.set(caseId, entries);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const [caseId, entries] of timelines) {
  out();
  out(bold(`Case ${caseId}`));
  for (const e of entries) out(`  ${describe(e)}`);
  for (const m of entries.filter((e) => e.kind === 'message')) {
    const label = { sms: 'SMS text', email: 'Email text', whatsapp: 'WhatsApp text', letter: 'Letter (HTML body; the PDF goes to the print house at the daily cut-off)' }[String(m.channel)] ?? 'Text';
    out(`  ${bold(label)} (${m.status}):`);
    const text = m.channel === 'letter' ? String(m.text ?? '').replace(/<\/(p|h\d|li|tr)>/g, '\n').replace(/<[^>]+>/g, ' ').replace(/[ \t]+/g, ' ').replace(/\n\s*/g, '\n').trim() : String(m.text ?? '');
    for (const line of text.split('\n')) out(`    │ ${line}`);
  }
}
// What the policy would decide for the same events on a Sunday morning: nothing is stored or sent.
const sunday = new Date();
sunday.setUTCDate(sunday.getUTCDate() + ((7 - sunday.getUTCDay()) % 7 || 7));
sunday.setUTCHours(9, 0, 0, 0);
const events = files.map((f) => JSON.parse(readFileSync(path.join(eventsDir, f), 'utf8')) as unknown);
const simulated = await fetch(`${base}/v1/simulate`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  body: JSON.stringify({ now: sunday.toISOString(), events }),
});
if (simulated.ok) {
  const { messages } = (await simulated.json()) as { messages: Array<{ messageId: string; channel: string | null; plan: { outcome: string; rule: string; reason: string } }> };
  out();
  out(bold(`POST /v1/simulate: the same events on Sunday ${sunday.toISOString().slice(0, 16)}Z (nothing stored or sent)`));
  for (const m of messages) out(`  ${m.channel ?? '-'} ${m.plan.outcome.toUpperCase()} — ${m.plan.reason} [${m.plan.rule}]`);
}
// The debtor answers: a Twilio-signed reply disputing the Polish debt (as Twilio would post it).
const replyUrl = `${config.publicUrl}/v1/providers/twilio/inbound`;
const replyParams = { MessageSid: `SM${randomUUID().replaceAll('-', '')}`, From: '+48601234567', To: '+48500000000', Body: 'To nie mój dług, nigdy nie miałem umowy z Telco.' };
const replied = await fetch(`${base}/v1/providers/twilio/inbound`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(config.twilio.authToken, replyUrl, replyParams) },
  body: new URLSearchParams(replyParams).toString(),
});
if (replied.ok) {
  out();
  out(bold(`A reply by SMS from the Polish debtor: "${replyParams.Body}"`));
  await new Promise((r) => setTimeout(r, 1500));
  for (const e of (await timeline(key, 'PL-2026-000123')).filter((x) => x.kind === 'reply' || x.kind === 'task' || (x.kind === 'message' && x.template === 'dispute-acknowledgement'))) {
    out(`  ${e.kind === 'reply' ? `reply     intent ${String(e.intent)} (confidence ${Number(e.confidence).toFixed(2)}): the case is held` : describe(e)}`);
  }
}

out();
out(`Timelines are also at GET ${base}/v1/cases/{caseId}/timeline (Authorization: Bearer <API key>); API docs at ${base}/docs`);
out(`The compliance console shows the same cases, their decisions and the templates: ${base}/console/ (npm start's admin: admin / change-me-locally),`);
out(`e.g. ${base}/console/cases/PL-2026-000123`);
