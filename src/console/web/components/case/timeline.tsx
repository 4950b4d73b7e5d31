import { useId, useState } from 'react';
import type { DecisionView, TimelineEntry, TimelineKind } from '../../api-types.ts';
import { useI18n, type Formats, type Translate } from '../../i18n/index.tsx';
import { DecisionSummary } from '../decision-summary.tsx';
import { EvidenceList } from '../evidence-list.tsx';
import { channelName, intentName, kindName, lookup, stageName, statusName } from '../names.ts';

// A case's timeline in time order: what came in, what the policy decided and why, what was sent and
// what became of it, what the debtor answered, and the tasks for people.

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const KINDS: readonly TimelineKind[] = ['event', 'decision', 'message', 'status', 'reply', 'task'];

function EventEntry({ e, t, fmt }: { e: TimelineEntry; t: Translate; fmt: Formats }) {
  return (
    <>
      <p className="tl-title">
        {t('timeline.event', { type: str(e.type) ?? '?' })}
        {str(e.status) && <span className="badge">{str(e.status)}</span>}
      </p>
      <p className="small muted">
        {t('timeline.occurredAt', { time: fmt.dateTime(str(e.occurredAt)) })} · <code>{str(e.eventId)}</code>
      </p>
    </>
  );
}

function DecisionEntry({ e, t, timeZone }: { e: TimelineEntry; t: Translate; timeZone: string | null }) {
  const decision: DecisionView = {
    outcome: str(e.outcome) ?? '',
    rule: str(e.rule) ?? '',
    reason: str(e.reason) ?? '',
    deferUntil: str(e.deferUntil),
    policyVersion: str(e.policyVersion) ?? '',
    ...(str(e.content) ? { content: str(e.content)! } : {}),
    ...(e.evidence && typeof e.evidence === 'object' ? { evidence: e.evidence as Record<string, unknown> } : {}),
  };
  return (
    <>
      <p className="tl-title">{t('timeline.decision', { stage: stageName(str(e.stage) ?? '', t), channel: channelName(str(e.channel), t) })}</p>
      <DecisionSummary decision={decision} timeZone={timeZone} />
    </>
  );
}

function MessageEntry({ e, t, fmt }: { e: TimelineEntry; t: Translate; fmt: Formats }) {
  const text = str(e.text);
  const purged = str(e.bodyPurgedAt);
  const segments = num(e.segments);
  return (
    <>
      <p className="tl-title">
        {t('timeline.message', { channel: channelName(str(e.channel), t), template: str(e.template) ?? '?' })}
        {e.templateVersion !== null && e.templateVersion !== undefined && (
          <span className="muted"> {t('timeline.templateVersion', { version: e.templateVersionNumber ? `v${e.templateVersionNumber}` : String(e.templateVersion) })}</span>
        )}
        {str(e.locale) && <span className="muted"> ({str(e.locale)})</span>}
        {str(e.status) && <span className={`badge badge-status-${str(e.status)}`}>{statusName(str(e.status)!, t)}</span>}
      </p>
      {text ? (
        <blockquote className="message-text" data-testid="timeline-message-text">
          {text}
        </blockquote>
      ) : (
        <p className="muted small">{purged ? t('timeline.textPurged', { time: fmt.dateTime(purged) }) : t('timeline.noText')}</p>
      )}
      <dl className="facts facts-inline small">
        {str(e.to) && (
          <div>
            <dt>{t('timeline.to')}</dt>
            <dd className="break">{str(e.to)}</dd>
          </div>
        )}
        {str(e.notBefore) && (
          <div>
            <dt>{t('timeline.notBefore')}</dt>
            <dd>{fmt.dateTime(str(e.notBefore))}</dd>
          </div>
        )}
        {segments !== null && (
          <div>
            <dt>{t('preview.segments')}</dt>
            <dd>
              {segments}
              {str(e.encoding) && ` (${str(e.encoding)})`}
            </dd>
          </div>
        )}
        {str(e.content) === 'minimal' && (
          <div>
            <dt>{t('decision.content')}</dt>
            <dd>{t('decision.contentMinimal')}</dd>
          </div>
        )}
        {str(e.lastErrorCode) && (
          <div>
            <dt>{t('timeline.errorCode')}</dt>
            <dd>{str(e.lastErrorCode)}</dd>
          </div>
        )}
        <div>
          <dt>{t('timeline.messageId')}</dt>
          <dd>
            <code>{str(e.messageId)}</code>
          </dd>
        </div>
      </dl>
    </>
  );
}

function StatusEntry({ e, t }: { e: TimelineEntry; t: Translate }) {
  const details = [str(e.providerStatus) && t('timeline.providerStatus', { status: str(e.providerStatus)! }), str(e.errorCode) && t('timeline.errorCodeIs', { code: str(e.errorCode)! }), str(e.source) && t('timeline.source', { source: str(e.source)! })].filter(Boolean);
  return (
    <>
      <p className="tl-title">
        {t('timeline.status', { status: statusName(str(e.status) ?? '', t) })}
        {details.length > 0 && <span className="muted small"> · {details.join(' · ')}</span>}
      </p>
      <p className="small muted">
        {t('timeline.ofMessage')} <code>{str(e.messageId)}</code>
      </p>
    </>
  );
}

function ReplyEntry({ e, t, fmt }: { e: TimelineEntry; t: Translate; fmt: Formats }) {
  const confidence = num(e.confidence);
  return (
    <>
      <p className="tl-title">{t('timeline.reply', { channel: channelName(str(e.channel), t) })}</p>
      {str(e.text) ? (
        <blockquote className="message-text reply-text" data-testid="timeline-reply-text">
          {str(e.text)}
        </blockquote>
      ) : (
        <p className="muted small">{t('timeline.noText')}</p>
      )}
      <dl className="facts facts-inline small">
        <div>
          <dt>{t('timeline.intent')}</dt>
          <dd>{intentName(str(e.intent), t)}</dd>
        </div>
        {confidence !== null && (
          <div>
            <dt>{t('timeline.confidence')}</dt>
            <dd>{fmt.percent(confidence)}</dd>
          </div>
        )}
        {str(e.keyword) && (
          <div>
            <dt>{t('timeline.keyword')}</dt>
            <dd>{str(e.keyword)}</dd>
          </div>
        )}
      </dl>
      {e.details !== null && typeof e.details === 'object' && Object.keys(e.details).length > 0 && (
        <details>
          <summary>{t('timeline.replyDetails')}</summary>
          <EvidenceList data={e.details as Record<string, unknown>} />
        </details>
      )}
    </>
  );
}

function TaskEntry({ e, t, fmt }: { e: TimelineEntry; t: Translate; fmt: Formats }) {
  return (
    <>
      <p className="tl-title">
        {t('timeline.task', { kind: lookup(t, `task.${str(e.taskKind) ?? ''}`, str(e.taskKind) ?? '?') })}
        <span className="badge">{str(e.closedAt) ? t('timeline.taskClosed', { time: fmt.dateTime(str(e.closedAt)) }) : t('timeline.taskOpen')}</span>
      </p>
      {str(e.reason) && <p>{str(e.reason)}</p>}
    </>
  );
}

export function TimelineView({ entries, timeZone }: { entries: readonly TimelineEntry[]; timeZone: string | null }) {
  const { t, fmt } = useI18n();
  const id = useId();
  const [kind, setKind] = useState<TimelineKind | ''>('');
  const shown = kind ? entries.filter((e) => e.kind === kind) : entries;
  return (
    <div className="timeline">
      <div className="field inline-field">
        <label htmlFor={`${id}-kind`}>{t('timeline.show')}</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as TimelineKind | '')}>
          <option value="">{t('timeline.all', { count: entries.length })}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {kindName(k, t)} ({entries.filter((e) => e.kind === k).length})
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{t('timeline.empty')}</p>
      ) : (
        <ol className="tl-list">
          {shown.map((e, i) => (
            <li key={i} className={`tl-entry tl-${e.kind}`}>
              <div className="tl-meta">
                <span className="tl-kind">{kindName(e.kind, t)}</span>
                <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
              </div>
              <div className="tl-body">
                {e.kind === 'event' && <EventEntry e={e} t={t} fmt={fmt} />}
                {e.kind === 'decision' && <DecisionEntry e={e} t={t} timeZone={timeZone} />}
                {e.kind === 'message' && <MessageEntry e={e} t={t} fmt={fmt} />}
                {e.kind === 'status' && <StatusEntry e={e} t={t} />}
                {e.kind === 'reply' && <ReplyEntry e={e} t={t} fmt={fmt} />}
                {e.kind === 'task' && <TaskEntry e={e} t={t} fmt={fmt} />}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
