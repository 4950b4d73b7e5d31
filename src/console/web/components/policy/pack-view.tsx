import type { ReactNode } from 'react';
import type { PolicyPackView, Weekday } from '../../api-types.ts';
import { useI18n, type Translate } from '../../i18n/index.tsx';
import { channelName, holdName, lookup } from '../names.ts';

// One country's pack in words: when we may contact, which days are blocked, the caps, privacy and
// holds, each section with the text of the sources it cites.

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function Sources({ ids, entry }: { ids: readonly string[] | undefined; entry: PolicyPackView }) {
  const { t } = useI18n();
  if (!ids || ids.length === 0) return null;
  return (
    <div className="sources">
      <h4>{t('policy.sources')}</h4>
      <ul>
        {ids.map((id) => {
          const source = entry.sources.find((s) => s.id === id);
          return (
            <li key={id}>
              <span className="badge">{source ? lookup(t, `policy.sourceKind.${source.kind}`, source.kind) : '?'}</span> {source?.text ?? id} <code className="muted">{id}</code>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Section({ title, children, sources, entry }: { title: string; children: ReactNode; sources: readonly string[] | undefined; entry: PolicyPackView }) {
  return (
    <section className="pack-section card">
      <h3>{title}</h3>
      {children}
      <Sources ids={sources} entry={entry} />
    </section>
  );
}

const effectWords = (effect: string, t: Translate): string => lookup(t, `policy.effect.${effect}`, effect);

export function PackView({ entry }: { entry: PolicyPackView }) {
  const { t, fmt } = useI18n();
  const { window: win, blockedDays, caps, privacy, holds } = entry.pack;
  return (
    <div className="pack">
      <dl className="facts facts-inline">
        <div>
          <dt>{t('policy.packId')}</dt>
          <dd>
            <code>{entry.id}</code>
          </dd>
        </div>
        <div>
          <dt>{t('policy.timeZone')}</dt>
          <dd>{entry.timeZone}</dd>
        </div>
        <div>
          <dt>{t('policy.overrides')}</dt>
          <dd>{entry.overrides.length ? entry.overrides.map((o) => `${o.name}@${o.version}`).join(', ') : t('common.none')}</dd>
        </div>
      </dl>
      <div className="pack-sections">
        <Section title={t('policy.window')} sources={win?.sources} entry={entry}>
          <p>{t('policy.windowAppliesTo', { channels: fmt.list((win?.appliesTo ?? []).map((c) => channelName(c, t))) })}</p>
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t('policy.day')}</th>
                <th scope="col">{t('policy.hours')}</th>
              </tr>
            </thead>
            <tbody>
              {WEEKDAYS.map((d) => (
                <tr key={d}>
                  <th scope="row">{t(`weekday.${d}`)}</th>
                  <td>{win?.days?.[d] ? win.days[d]!.replace('-', '–') : <span className="muted">{t('policy.noContact')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small muted">{t('policy.windowNote')}</p>
        </Section>
        <Section title={t('policy.blockedDays')} sources={blockedDays?.sources} entry={entry}>
          <p>{t('policy.holidayTypes', { types: fmt.list((blockedDays?.holidays?.types ?? []).map((x) => lookup(t, `policy.holidayType.${x}`, x))) })}</p>
          {blockedDays?.holidays?.region && <p>{t('policy.region', { region: blockedDays.holidays.region })}</p>}
          {(blockedDays?.extra ?? []).length > 0 ? (
            <>
              <h4>{t('policy.extraDays')}</h4>
              <ul>
                {blockedDays!.extra!.map((x) => (
                  <li key={`${x.date}-${x.name}`}>
                    {x.date.startsWith('-') ? t('policy.everyYear', { date: fmt.dayOfYear(x.date) }) : fmt.date(x.date)} — {x.name}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted">{t('policy.noExtraDays')}</p>
          )}
        </Section>
        <Section title={t('policy.caps')} sources={caps?.sources} entry={entry}>
          <dl className="facts">
            <div>
              <dt>{t('policy.perDay')}</dt>
              <dd>{fmt.number(caps?.perDay)}</dd>
            </div>
            <div>
              <dt>{t('policy.perDayPerChannel')}</dt>
              <dd>{fmt.number(caps?.perDayPerChannel)}</dd>
            </div>
            <div>
              <dt>{t('policy.rolling7Days')}</dt>
              <dd>{fmt.number(caps?.rolling7Days)}</dd>
            </div>
            {Object.entries(caps?.perChannel7Days ?? {}).map(([c, n]) => (
              <div key={c}>
                <dt>{t('policy.perChannel7Days', { channel: channelName(c, t) })}</dt>
                <dd>{fmt.number(n)}</dd>
              </div>
            ))}
            {caps?.letterSpacingFullDays !== undefined && (
              <div>
                <dt>{t('policy.letterSpacing')}</dt>
                <dd>{t('policy.fullDays', { days: caps.letterSpacingFullDays })}</dd>
              </div>
            )}
          </dl>
        </Section>
        <Section title={t('policy.privacy')} sources={privacy?.sources} entry={entry}>
          <ul>
            {privacy?.unverified && <li>{lookup(t, `policy.unverified.${privacy.unverified}`, privacy.unverified)}</li>}
            {privacy?.debtDetailsElectronically && <li>{lookup(t, `policy.debtDetails.${privacy.debtDetailsElectronically}`, privacy.debtDetailsElectronically)}</li>}
            {privacy?.sharedGetsMinimal !== undefined && <li>{privacy.sharedGetsMinimal ? t('policy.sharedMinimal') : t('policy.sharedFull')}</li>}
          </ul>
        </Section>
        <Section title={t('policy.holds')} sources={holds?.sources} entry={entry}>
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t('policy.hold')}</th>
                <th scope="col">{t('policy.effect')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(holds?.effects ?? {}).map(([reason, effect]) => (
                <tr key={reason}>
                  <th scope="row">{holdName(reason, t)}</th>
                  <td>{effectWords(effect, t)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {holds?.estatePauseDays !== undefined && <p>{t('policy.estatePause', { days: holds.estatePauseDays })}</p>}
        </Section>
      </div>
    </div>
  );
}
