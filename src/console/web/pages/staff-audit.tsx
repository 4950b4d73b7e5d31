import { useState, type FormEvent } from 'react';
import { withQuery } from '../api.ts';
import { useKeysetPages } from '../components/use-keyset-pages.ts';
import type { StaffAuditEntry } from '../api-types.ts';
import { useI18n } from '../i18n/index.tsx';
import { ErrorMessage, StatusMessage } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';

// What staff and API keys did: sign-ins, changes, searches and views that the service audits.

interface Filters {
  actor: string;
  action: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { actor: '', action: '', from: '', to: '' };
const instant = (local: string): string | undefined => (local && !Number.isNaN(new Date(local).getTime()) ? new Date(local).toISOString() : undefined);

export function StaffAuditPage() {
  const { t, fmt } = useI18n();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const path = (before?: string) => withQuery('/v1/staff/audit', { actor: applied.actor.trim(), action: applied.action.trim(), from: instant(applied.from), to: instant(applied.to), limit: 100, before });
  const { rows, next, loading, loaded, error, more } = useKeysetPages<StaffAuditEntry>(path, JSON.stringify(applied));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ ...draft });
  };
  const set = (key: keyof Filters, value: string) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <>
      <PageHeading title={t('staffAudit.title')} />
      <p className="lead">{t('staffAudit.intro')}</p>
      <form className="filters" onSubmit={apply} aria-label={t('audit.filters')}>
        <div className="field">
          <label htmlFor="sa-actor">{t('staffAudit.actor')}</label>
          <input id="sa-actor" value={draft.actor} onChange={(e) => set('actor', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="sa-action">{t('staffAudit.action')}</label>
          <input id="sa-action" value={draft.action} onChange={(e) => set('action', e.target.value)} aria-describedby="sa-action-hint" />
          <p className="hint" id="sa-action-hint">
            {t('staffAudit.actionHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor="sa-from">{t('audit.from')}</label>
          <input id="sa-from" type="datetime-local" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="sa-to">{t('audit.to')}</label>
          <input id="sa-to" type="datetime-local" value={draft.to} onChange={(e) => set('to', e.target.value)} />
        </div>
        <div className="actions filter-actions">
          <button type="submit">{t('audit.apply')}</button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setDraft(EMPTY);
              setApplied(EMPTY);
            }}
          >
            {t('audit.reset')}
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      <StatusMessage>{loaded && !loading ? t('audit.shown', { count: rows.length }) + (next ? ` ${t('audit.moreAvailable')}` : '') : ''}</StatusMessage>
      {rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('staffAudit.table')}>
          <table>
            <caption className="visually-hidden">{t('staffAudit.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staffAudit.at')}</th>
                <th scope="col">{t('staffAudit.actor')}</th>
                <th scope="col">{t('staffAudit.action')}</th>
                <th scope="col">{t('staffAudit.request')}</th>
                <th scope="col">{t('staffAudit.target')}</th>
                <th scope="col" className="num">
                  {t('staffAudit.status')}
                </th>
                <th scope="col">{t('staffAudit.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{fmt.dateTime(r.at)}</td>
                  <th scope="row">{r.actor}</th>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td className="break">
                    {r.method} {r.route}
                  </td>
                  <td className="break">{r.target === null || r.target === undefined ? '—' : typeof r.target === 'string' ? r.target : JSON.stringify(r.target)}</td>
                  <td className="num">{r.status}</td>
                  <td>{r.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loaded && rows.length === 0 && !loading && <p className="muted">{t('audit.none')}</p>}
      {next && (
        <button type="button" className="button-secondary" onClick={() => void more()} disabled={loading}>
          {t('audit.loadMore')}
        </button>
      )}
    </>
  );
}
