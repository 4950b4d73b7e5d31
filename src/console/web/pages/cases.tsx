import { useEffect, useState, type FormEvent } from 'react';
import { get, withQuery } from '../api.ts';
import type { CaseHit } from '../api-types.ts';
import { useI18n } from '../i18n/index.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { ErrorMessage, Loading, StatusMessage } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { countryName, holdName } from '../components/names.ts';
import { useLoad } from '../components/use-load.ts';

// Find a case by what a caller or a colleague has at hand: the case id, its reference, the debtor's
// id, a phone number or an email address. The query lives in the URL, so results can be shared.

export function CasesPage() {
  const { t, fmt } = useI18n();
  const { search } = useLocation();
  const q = (search.get('q') ?? '').trim();
  const [text, setText] = useState(q);
  const [tooShort, setTooShort] = useState(false);
  useEffect(() => setText(q), [q]);

  const results = useLoad(q.length >= 2 ? (signal) => get<{ items: CaseHit[] }>(withQuery('/v1/cases', { q, limit: 20 }), signal).then((r) => r.items) : null, [q]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    setTooShort(value.length < 2);
    if (value.length >= 2) navigate(withQuery('/cases', { q: value }));
  };

  return (
    <>
      <PageHeading title={t('cases.title')} />
      <form role="search" className="search-form" onSubmit={submit} aria-label={t('cases.searchLabel')}>
        <div className="field grow">
          <label htmlFor="case-search">{t('cases.search')}</label>
          <input id="case-search" type="search" value={text} onChange={(e) => setText(e.target.value)} aria-describedby="case-search-hint" autoComplete="off" spellCheck={false} />
          <p id="case-search-hint" className="hint">
            {t('cases.searchHint')}
          </p>
        </div>
        <div>
          <button type="submit">{t('cases.searchButton')}</button>
        </div>
      </form>
      {tooShort && (
        <p className="message message-error" role="alert">
          {t('cases.tooShort')}
        </p>
      )}
      <ErrorMessage error={results.error} />
      {results.loading && <Loading />}
      <StatusMessage>{results.data && !results.loading ? t('cases.found', { count: results.data.length }) : ''}</StatusMessage>
      {results.data && results.data.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('cases.results')}>
          <table>
            <caption className="visually-hidden">{t('cases.results')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.case')}</th>
                <th scope="col">{t('cases.reference')}</th>
                <th scope="col">{t('cases.debtor')}</th>
                <th scope="col">{t('cases.country')}</th>
                <th scope="col">{t('cases.creditor')}</th>
                <th scope="col">{t('cases.hold')}</th>
                <th scope="col">{t('cases.lastEvent')}</th>
                <th scope="col">{t('cases.messages')}</th>
                <th scope="col">{t('cases.matchedOn')}</th>
              </tr>
            </thead>
            <tbody>
              {results.data.map((hit) => (
                <tr key={hit.caseId}>
                  <th scope="row">
                    <Link to={`/cases/${encodeURIComponent(hit.caseId)}`}>{hit.caseId}</Link>
                  </th>
                  <td>{hit.reference ?? '—'}</td>
                  <td>{hit.debtorId}</td>
                  <td>{countryName(hit.country, t)}</td>
                  <td>{hit.creditorId}</td>
                  <td>{hit.holdReason ? holdName(hit.holdReason, t) : '—'}</td>
                  <td>{fmt.dateTime(hit.lastEventAt)}</td>
                  <td>{fmt.number(hit.messages)}</td>
                  <td>{t(`cases.matched.${hit.matchedOn}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
