import { useMemo, useState } from 'react';
import { get } from '../api.ts';
import type { Catalogue, CatalogueEntry, Channel } from '../api-types.ts';
import { useI18n, type Translate } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { ErrorMessage, Loading } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { useLoad } from '../components/use-load.ts';
import { channelName, languageName } from '../components/names.ts';

// The catalogue at a glance: every template on every channel, with the active version per language
// and what waits for review.

function EntryCell({ entry, t }: { entry: CatalogueEntry | undefined; t: Translate }) {
  if (!entry) return <span className="muted">—</span>;
  const pending = entry.latest && entry.latest.id !== entry.active?.id && (entry.latest.status === 'draft' || entry.latest.status === 'submitted') ? entry.latest : null;
  return (
    <div className="entry-cell">
      {entry.active ? <span>{t('templates.activeVersion', { number: entry.active.number })}</span> : <span className="muted">{t('templates.noActive')}</span>}
      {pending && <span className={`badge badge-${pending.status}`}>{pending.status === 'draft' ? t('templates.draftBadge', { number: pending.number }) : t('templates.submittedBadge', { number: pending.number })}</span>}
      {entry.awaitingReview > 0 && <span className="badge badge-submitted">{t('templates.awaitingReview', { count: entry.awaitingReview })}</span>}
    </div>
  );
}

export function TemplatesPage() {
  const { t } = useI18n();
  const catalogue = useLoad((signal) => get<Catalogue>('/v1/templates', signal), []);
  const [filter, setFilter] = useState('');
  const [channel, setChannel] = useState<Channel | ''>('');

  const rows = useMemo(() => {
    const data = catalogue.data;
    if (!data) return [];
    const q = filter.trim().toLowerCase();
    return data.templates
      .flatMap((tpl) => tpl.channels.map((c) => ({ tpl, channel: c })))
      .filter((r) => (!channel || r.channel === channel) && (!q || r.tpl.template.includes(q) || (r.tpl.description ?? '').toLowerCase().includes(q)));
  }, [catalogue.data, filter, channel]);

  return (
    <>
      <PageHeading title={t('templates.title')} />
      <p className="lead">{t('templates.intro')}</p>
      <div className="filters">
        <div className="field">
          <label htmlFor="template-filter">{t('templates.filter')}</label>
          <input id="template-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="template-channel">{t('templates.channel')}</label>
          <select id="template-channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel | '')}>
            <option value="">{t('common.all')}</option>
            {(catalogue.data?.channels ?? []).map((c) => (
              <option key={c} value={c}>
                {channelName(c, t)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={catalogue.error} />
      {catalogue.loading && !catalogue.data && <Loading />}
      {catalogue.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('templates.tableLabel')}>
          <table>
            <caption className="visually-hidden">{t('templates.tableLabel')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('templates.template')}</th>
                {catalogue.data.languages.map((l) => (
                  <th scope="col" key={l}>
                    {languageName(l, t)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ tpl, channel: c }) => (
                <tr key={`${tpl.template}/${c}`}>
                  <th scope="row">
                    <Link to={`/templates/${encodeURIComponent(tpl.template)}/${c}`}>{t('templates.rowLink', { template: tpl.template, channel: channelName(c, t) })}</Link>
                    {tpl.description && <div className="muted small">{tpl.description}</div>}
                    {tpl.readsRestricted && <div className="muted small">{t('templates.readsRestricted')}</div>}
                  </th>
                  {catalogue.data!.languages.map((l) => (
                    <td key={l}>
                      <EntryCell entry={tpl.entries.find((e) => e.channel === c && e.locale === l)} t={t} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p className="muted">{t('templates.none')}</p>}
        </div>
      )}
    </>
  );
}
