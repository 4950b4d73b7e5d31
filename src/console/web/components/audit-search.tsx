import { useId, useState, type FormEvent } from 'react';
import { withQuery } from '../api.ts';
import { useKeysetPages } from './use-keyset-pages.ts';
import type { AuditFacets, DecisionRow, MessageRow } from '../api-types.ts';
import { useI18n, type PlainKey } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { ErrorMessage, StatusMessage } from './messages.tsx';
import { channelName, countryName, outcomeName, stageName, statusName } from './names.ts';

// The auditors' search: filters from the facets the service reports, pages by keyset ("Load more"),
// and the same query as a CSV file.

export type AuditKind = 'decisions' | 'messages';

type Filters = Record<string, string>;

interface FilterSpec {
  name: string;
  label: PlainKey;
  options?: (facets: AuditFacets) => string[];
  optionLabel?: (value: string) => string;
}

const PAGE_SIZE = 50;

/** datetime-local has no zone: it is the reader's local time, sent as an instant. */
const toInstant = (local: string): string | undefined => {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};

function query(filters: Filters): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(filters)) out[k] = k === 'from' || k === 'to' ? toInstant(v) : v || undefined;
  return out;
}

export function AuditSearch({ kind, facets }: { kind: AuditKind; facets: AuditFacets | null }) {
  const { t, fmt } = useI18n();
  const id = useId();
  const path = `/v1/audit/${kind}`;
  const specs: FilterSpec[] = [
    { name: 'country', label: 'audit.country', options: (f) => f.countries, optionLabel: (v) => countryName(v, t) },
    { name: 'channel', label: 'audit.channel', options: (f) => f.channels, optionLabel: (v) => channelName(v, t) },
    ...(kind === 'decisions'
      ? [
          { name: 'rule', label: 'audit.rule', options: (f: AuditFacets) => f.rules },
          { name: 'outcome', label: 'audit.outcome', options: (f: AuditFacets) => f.outcomes, optionLabel: (v: string) => outcomeName(v, t) },
          { name: 'stage', label: 'audit.stage', options: () => ['plan', 'dispatch'], optionLabel: (v: string) => stageName(v, t) },
        ] satisfies FilterSpec[]
      : [
          { name: 'status', label: 'audit.status', options: (f: AuditFacets) => f.statuses, optionLabel: (v: string) => statusName(v, t) },
          { name: 'template', label: 'audit.template', options: (f: AuditFacets) => f.templates },
        ] satisfies FilterSpec[]),
  ];

  const [draft, setDraft] = useState<Filters>({});
  const [applied, setApplied] = useState<Filters>({});
  const { rows, next, loading, loaded, error, more } = useKeysetPages<DecisionRow | MessageRow>(
    (before) => withQuery(path, { ...query(applied), limit: PAGE_SIZE, before }),
    JSON.stringify([path, applied]),
  );

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ ...draft });
  };
  const reset = () => {
    setDraft({});
    setApplied({});
  };
  const set = (name: string, value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const csv = withQuery(path, { ...query(applied), format: 'csv' });

  return (
    <div className="audit-search">
      <form className="filters" onSubmit={apply} aria-label={t('audit.filters')}>
        <div className="field">
          <label htmlFor={`${id}-from`}>{t('audit.from')}</label>
          <input id={`${id}-from`} type="datetime-local" value={draft.from ?? ''} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>{t('audit.to')}</label>
          <input id={`${id}-to`} type="datetime-local" value={draft.to ?? ''} onChange={(e) => set('to', e.target.value)} />
        </div>
        {specs.map((spec) => (
          <div className="field" key={spec.name}>
            <label htmlFor={`${id}-${spec.name}`}>{t(spec.label)}</label>
            <select id={`${id}-${spec.name}`} value={draft[spec.name] ?? ''} onChange={(e) => set(spec.name, e.target.value)}>
              <option value="">{t('common.any')}</option>
              {(facets && spec.options ? spec.options(facets) : []).map((v) => (
                <option key={v} value={v}>
                  {spec.optionLabel ? spec.optionLabel(v) : v}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div className="actions filter-actions">
          <button type="submit">{t('audit.apply')}</button>
          <button type="button" className="button-secondary" onClick={reset}>
            {t('audit.reset')}
          </button>
          <a className="button-like" href={csv} download>
            {t('audit.exportCsv')}
          </a>
        </div>
      </form>
      <p className="hint">{t('audit.timeHint', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}</p>
      <ErrorMessage error={error} />
      <StatusMessage>{loaded && !loading ? t('audit.shown', { count: rows.length }) + (next ? ` ${t('audit.moreAvailable')}` : '') : loading ? t('common.loading') : ''}</StatusMessage>
      {rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t(kind === 'decisions' ? 'audit.decisionsTable' : 'audit.messagesTable')}>
          <table>
            <caption className="visually-hidden">{t(kind === 'decisions' ? 'audit.decisionsTable' : 'audit.messagesTable')}</caption>
            {kind === 'decisions' ? (
              <>
                <thead>
                  <tr>
                    <th scope="col">{t('audit.decidedAt')}</th>
                    <th scope="col">{t('audit.case')}</th>
                    <th scope="col">{t('audit.country')}</th>
                    <th scope="col">{t('audit.stage')}</th>
                    <th scope="col">{t('audit.channel')}</th>
                    <th scope="col">{t('audit.outcome')}</th>
                    <th scope="col">{t('audit.rule')}</th>
                    <th scope="col">{t('audit.reason')}</th>
                    <th scope="col">{t('audit.pack')}</th>
                    <th scope="col">{t('audit.deferUntil')}</th>
                  </tr>
                </thead>
                <tbody>
                  {(rows as DecisionRow[]).map((r) => (
                    <tr key={r.id}>
                      <td className="nowrap">{fmt.dateTime(r.decidedAt)}</td>
                      <th scope="row" className="nowrap">
                        <Link to={`/cases/${encodeURIComponent(r.caseId)}`}>{r.caseId}</Link>
                      </th>
                      <td>{r.country ?? '—'}</td>
                      <td>{stageName(r.stage, t)}</td>
                      <td>{channelName(r.channel, t)}</td>
                      <td>{outcomeName(r.outcome, t)}</td>
                      <td className="nowrap">
                        <code>{r.rule}</code>
                      </td>
                      <td className="wide-cell">{r.reason}</td>
                      <td className="nowrap">
                        <code>{r.policyVersion}</code>
                      </td>
                      <td className="nowrap">{r.deferUntil ? fmt.dateTime(r.deferUntil) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </>
            ) : (
              <>
                <thead>
                  <tr>
                    <th scope="col">{t('audit.createdAt')}</th>
                    <th scope="col">{t('audit.case')}</th>
                    <th scope="col">{t('audit.country')}</th>
                    <th scope="col">{t('audit.channel')}</th>
                    <th scope="col">{t('audit.template')}</th>
                    <th scope="col">{t('audit.version')}</th>
                    <th scope="col">{t('audit.language')}</th>
                    <th scope="col">{t('audit.status')}</th>
                    <th scope="col">{t('audit.segments')}</th>
                    <th scope="col">{t('audit.errorCode')}</th>
                  </tr>
                </thead>
                <tbody>
                  {(rows as MessageRow[]).map((r) => (
                    <tr key={r.id}>
                      <td className="nowrap">{fmt.dateTime(r.createdAt)}</td>
                      <th scope="row" className="nowrap">
                        <Link to={`/cases/${encodeURIComponent(r.caseId)}`}>{r.caseId}</Link>
                      </th>
                      <td>{r.country ?? '—'}</td>
                      <td>{channelName(r.channel, t)}</td>
                      <td>{r.template ?? '—'}</td>
                      <td>{r.templateVersion ?? '—'}</td>
                      <td>{r.locale ?? '—'}</td>
                      <td>{statusName(r.status, t)}</td>
                      <td>{r.segments ?? '—'}</td>
                      <td>{r.lastErrorCode ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </>
            )}
          </table>
        </div>
      )}
      {loaded && rows.length === 0 && !loading && <p className="muted">{t('audit.none')}</p>}
      {next && (
        <button type="button" className="button-secondary" onClick={() => void more()} disabled={loading}>
          {t('audit.loadMore')}
        </button>
      )}
    </div>
  );
}
