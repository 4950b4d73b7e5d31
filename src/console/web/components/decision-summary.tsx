import type { DecisionView } from '../api-types.ts';
import { useI18n, type Translate, type Formats } from '../i18n/index.tsx';
import { EvidenceList } from './evidence-list.tsx';

// A policy decision in plain words: what it decided, the reason sentence, the rule and the pack, and
// (collapsed) what it saw.

export function outcomeWords(d: Pick<DecisionView, 'outcome' | 'deferUntil'>, t: Translate, fmt: Formats, timeZone?: string | null): string {
  if (d.outcome === 'allow') return t('decision.allowed');
  if (d.outcome === 'block') return t('decision.blocked');
  if (d.outcome === 'defer') return d.deferUntil ? t('decision.deferredUntil', { time: fmt.dateTime(d.deferUntil, timeZone) }) : t('decision.held');
  return d.outcome;
}

export function DecisionSummary({ decision, heading, timeZone }: { decision: DecisionView; heading?: string; timeZone?: string | null }) {
  const { t, fmt } = useI18n();
  return (
    <div className={`decision decision-${decision.outcome}`}>
      <p className="decision-line">
        {heading && <span className="decision-heading">{heading}: </span>}
        <strong className="decision-outcome">{outcomeWords(decision, t, fmt, timeZone)}</strong>
        {decision.reason && <> — {decision.reason}</>}
      </p>
      <dl className="facts facts-inline">
        <div>
          <dt>{t('decision.rule')}</dt>
          <dd>
            <code>{decision.rule}</code>
          </dd>
        </div>
        <div>
          <dt>{t('decision.pack')}</dt>
          <dd>
            <code>{decision.policyVersion}</code>
          </dd>
        </div>
        {decision.content && (
          <div>
            <dt>{t('decision.content')}</dt>
            <dd>{decision.content === 'minimal' ? t('decision.contentMinimal') : t('decision.contentFull')}</dd>
          </div>
        )}
      </dl>
      {decision.evidence && (
        <details className="evidence-details">
          <summary>{t('decision.evidence')}</summary>
          <EvidenceList data={decision.evidence} />
        </details>
      )}
    </div>
  );
}
