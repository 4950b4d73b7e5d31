import { useId, useState, type FormEvent } from 'react';
import { post } from '../../api.ts';
import type { SimulationResult } from '../../api-types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { CodeEditor } from '../code-editor.tsx';
import { DecisionSummary } from '../decision-summary.tsx';
import { ErrorMessage, StatusMessage } from '../messages.tsx';
import { channelName, statusName } from '../names.ts';
import fiCaseOpened from '../../samples/fi-case-opened.json';
import itPaymentDue from '../../samples/it-payment-due.json';
import nlPlanAgreed from '../../samples/nl-plan-agreed.json';
import plPaymentMissed from '../../samples/pl-payment-missed.json';

// "What would the policy do?": a case event (one of the contract examples, edited at will) at an
// instant, through POST /v1/simulate, the same code as the live path; nothing is stored or sent.

const SAMPLES = [
  { key: 'pl', event: plPaymentMissed },
  { key: 'fi', event: fiCaseOpened },
  { key: 'it', event: itPaymentDue },
  { key: 'nl', event: nlPlanAgreed },
] as const;

const CHANGES_EXAMPLE = '{"FI": {"caps": {"perDay": 1}}}';
const pretty = (v: unknown): string => JSON.stringify(v, null, 2);

const isEventWithZone = (v: unknown): v is { id: string; debtor: { timeZone: string } } => {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { id?: unknown; debtor?: { timeZone?: unknown } };
  return typeof e.id === 'string' && typeof e.debtor?.timeZone === 'string';
};

/** The value for a datetime-local input: the reader's local time, to the minute. */
function localNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function Simulator() {
  const { t } = useI18n();
  const id = useId();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [sample, setSample] = useState<string>('pl');
  const [eventText, setEventText] = useState(pretty(SAMPLES[0].event));
  const [changesText, setChangesText] = useState('');
  const [instant, setInstant] = useState(localNow);
  const [result, setResult] = useState<SimulationResult | null>(null);
  // Each event's debtor time zone: a deferral is read in the debtor's local time.
  const [zones, setZones] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revision, setRevision] = useState(0);

  const pick = (key: string) => {
    setSample(key);
    const found = SAMPLES.find((s) => s.key === key);
    if (found) {
      setEventText(pretty(found.event));
      setRevision((r) => r + 1);
    }
  };

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setInputError(null);
    setError(null);
    let events: unknown[];
    let packChanges: unknown;
    try {
      const parsed: unknown = JSON.parse(eventText);
      events = Array.isArray(parsed) ? parsed : [parsed];
    } catch (err) {
      setInputError(t('simulator.badEventJson', { detail: err instanceof Error ? err.message : '' }));
      return;
    }
    try {
      packChanges = changesText.trim() ? JSON.parse(changesText) : undefined;
    } catch (err) {
      setInputError(t('simulator.badChangesJson', { detail: err instanceof Error ? err.message : '' }));
      return;
    }
    const at = new Date(instant);
    if (Number.isNaN(at.getTime())) {
      setInputError(t('simulator.badInstant'));
      return;
    }
    setZones(Object.fromEntries(events.flatMap((ev) => (isEventWithZone(ev) ? [[ev.id, ev.debtor.timeZone]] : []))));
    setBusy(true);
    try {
      setResult(await post<SimulationResult>('/v1/simulate', { now: at.toISOString(), events, ...(packChanges !== undefined ? { packChanges } : {}) }));
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="simulator">
      <h2 id={`${id}-title`}>{t('simulator.title')}</h2>
      <p>{t('simulator.intro')}</p>
      <p className="hint">{t('editor.keyboardHint')}</p>
      <form onSubmit={(e) => void run(e)} className="stack" aria-labelledby={`${id}-title`}>
        <div className="field">
          <label htmlFor={`${id}-sample`}>{t('simulator.sample')}</label>
          <select id={`${id}-sample`} value={sample} onChange={(e) => pick(e.target.value)}>
            {SAMPLES.map((s) => (
              <option key={s.key} value={s.key}>
                {t('simulator.sampleOption', { country: s.event.case.country, type: s.event.type, caseId: s.event.case.id })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <div className="part-label" id={`${id}-event-label`}>
            {t('simulator.event')}
          </div>
          <CodeEditor value={eventText} revision={revision} onChange={setEventText} language="json" label={t('simulator.event')} describedBy={`${id}-event-hint`} />
          <p className="hint" id={`${id}-event-hint`}>
            {t('simulator.eventHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-instant`}>{t('simulator.instant')}</label>
          <input id={`${id}-instant`} type="datetime-local" value={instant} onChange={(e) => setInstant(e.target.value)} aria-describedby={`${id}-zone`} />
          <p className="hint" id={`${id}-zone`}>
            {t('simulator.zoneNote', { zone })}
          </p>
        </div>
        <details>
          <summary>{t('simulator.changes')}</summary>
          <CodeEditor value={changesText} onChange={setChangesText} language="json" label={t('simulator.changesLabel')} describedBy={`${id}-changes-hint`} />
          <p className="hint" id={`${id}-changes-hint`}>
            {t('simulator.changesHint')} <code>{CHANGES_EXAMPLE}</code>
          </p>
        </details>
        {inputError && (
          <p className="message message-error" role="alert">
            {inputError}
          </p>
        )}
        <ErrorMessage error={error} />
        <div>
          <button type="submit" disabled={busy}>
            {busy ? t('simulator.running') : t('simulator.run')}
          </button>
        </div>
      </form>
      <StatusMessage>{result ? t('simulator.done', { count: result.messages.length }) : ''}</StatusMessage>
      {result && (
        <div className="simulation-results">
          {result.messages.length === 0 && <p className="muted">{t('simulator.noMessages')}</p>}
          {result.messages.map((m) => (
            <article key={m.messageId} className="card sim-message" aria-labelledby={`${id}-${m.messageId}`}>
              <h3 id={`${id}-${m.messageId}`}>
                {t('simulator.messageTitle', { step: m.step, channel: channelName(m.channel, t), template: m.template })} <span className="badge">{statusName(m.status, t)}</span>
              </h3>
              <DecisionSummary decision={m.plan} heading={t('simulator.atPlanning')} timeZone={zones[m.eventId] ?? null} />
              {m.dispatch ? <DecisionSummary decision={m.dispatch} heading={t('simulator.atDispatch')} timeZone={zones[m.eventId] ?? null} /> : <p className="muted small">{t('simulator.noDispatch')}</p>}
              {m.text && (
                <>
                  <h4>{t('simulator.text')}</h4>
                  <blockquote className="message-text" data-testid="simulation-message-text">
                    {m.text}
                  </blockquote>
                </>
              )}
            </article>
          ))}
        </div>
      )}
    </section>
  );
}
