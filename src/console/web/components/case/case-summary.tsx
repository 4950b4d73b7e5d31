import type { CaseSummary } from '../../api-types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { channelName, countryName, holdName, lookup } from '../names.ts';
import { humanize } from '../evidence-list.tsx';

// A case at a glance: holds, the debtor's settings and flags, where we may reach them, an open task.

export function CaseSummaryView({ summary }: { summary: CaseSummary }) {
  const { t, fmt } = useI18n();
  const flags = Object.entries(summary.debtor.flags)
    .filter(([, on]) => on)
    .map(([flag]) => humanize(flag));
  return (
    <section aria-labelledby="case-summary-heading" className="card">
      <h2 id="case-summary-heading">{t('case.summary')}</h2>
      {summary.holdReason && (
        <p className="message message-warning">
          <strong>{t('case.onHold', { reason: holdName(summary.holdReason, t) })}</strong>
          {summary.holdSince && <> {t('case.holdSince', { time: fmt.dateTime(summary.holdSince) })}</>}
        </p>
      )}
      {summary.openTask && (
        <p className="message message-warning">
          <strong>{t('case.openTask')}</strong> {[typeof summary.openTask.kind === 'string' ? lookup(t, `task.${summary.openTask.kind}`, summary.openTask.kind) : null, summary.openTask.reason].filter((x) => typeof x === 'string' && x).join(' — ')}
          {typeof summary.openTask.createdAt === 'string' && <> ({fmt.dateTime(summary.openTask.createdAt)})</>}
        </p>
      )}
      <dl className="facts facts-grid">
        <div>
          <dt>{t('case.reference')}</dt>
          <dd>{summary.reference ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('case.creditor')}</dt>
          <dd>{summary.creditorId}</dd>
        </div>
        <div>
          <dt>{t('case.country')}</dt>
          <dd>{countryName(summary.country, t)}</dd>
        </div>
        <div>
          <dt>{t('case.currency')}</dt>
          <dd>{summary.currency ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('case.hold')}</dt>
          <dd>{summary.holdReason ? holdName(summary.holdReason, t) : t('case.noHold')}</dd>
        </div>
        <div>
          <dt>{t('case.debtor')}</dt>
          <dd>{summary.debtor.id}</dd>
        </div>
        <div>
          <dt>{t('case.locale')}</dt>
          <dd>{summary.debtor.locale ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('case.timeZone')}</dt>
          <dd>{summary.debtor.timeZone ?? t('case.timeZoneFromAddress')}</dd>
        </div>
        <div>
          <dt>{t('case.addressCountry')}</dt>
          <dd>{summary.debtor.addressCountry ? countryName(summary.debtor.addressCountry, t) : '—'}</dd>
        </div>
        <div>
          <dt>{t('case.flags')}</dt>
          <dd>{flags.length ? fmt.list(flags) : t('case.noFlags')}</dd>
        </div>
        {summary.debtor.erased && (
          <div>
            <dt>{t('case.erased')}</dt>
            <dd>{t('case.erasedText')}</dd>
          </div>
        )}
      </dl>
      <h3>{t('case.contactPoints')}</h3>
      {summary.contactPoints.length === 0 ? (
        <p className="muted">{t('case.noContactPoints')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('case.contactPoints')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('case.cp.channel')}</th>
                <th scope="col">{t('case.cp.address')}</th>
                <th scope="col">{t('case.cp.verified')}</th>
                <th scope="col">{t('case.cp.optIn')}</th>
                <th scope="col">{t('case.cp.optedOut')}</th>
                <th scope="col">{t('case.cp.invalid')}</th>
                <th scope="col">{t('case.cp.kind')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.contactPoints.map((cp, i) => (
                <tr key={i}>
                  <th scope="row">{channelName(cp.channel, t)}</th>
                  <td className="break">{cp.address}</td>
                  <td>{cp.verified ? t('common.yes') : t('common.no')}</td>
                  <td>{cp.optIn === null ? t('case.cp.notAsked') : cp.optIn ? t('common.yes') : t('common.no')}</td>
                  <td>{cp.optedOutAt ? fmt.dateTime(cp.optedOutAt) : '—'}</td>
                  <td>{cp.invalidAt ? fmt.dateTime(cp.invalidAt) : '—'}</td>
                  <td>{cp.kind ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
