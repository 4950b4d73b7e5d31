import { useState, type FormEvent } from 'react';
import { get, withQuery } from '../api.ts';
import type { PolicyPackView } from '../api-types.ts';
import { useI18n } from '../i18n/index.tsx';
import { ErrorMessage, Loading } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { countryName } from '../components/names.ts';
import { Tabs } from '../components/tabs.tsx';
import { useLoad } from '../components/use-load.ts';
import { PackView } from '../components/policy/pack-view.tsx';
import { Simulator } from '../components/policy/simulator.tsx';

// The contact rules in force per country, readable and with their sources, and the simulator.

export function PolicyPage() {
  const { t } = useI18n();
  const [creditor, setCreditor] = useState('');
  const [appliedCreditor, setAppliedCreditor] = useState('');
  const packs = useLoad((signal) => get<{ packs: PolicyPackView[] }>(withQuery('/v1/policy/packs', { creditor: appliedCreditor }), signal).then((r) => r.packs), [appliedCreditor]);
  const [country, setCountry] = useState<string | null>(null);
  const list = packs.data ?? [];
  const selected = list.find((p) => p.country === country) ?? list[0] ?? null;

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setAppliedCreditor(creditor.trim());
  };

  return (
    <>
      <PageHeading title={t('policy.title')} />
      <p className="lead">{t('policy.intro')}</p>
      <form className="filters" onSubmit={apply} aria-label={t('policy.creditorForm')}>
        <div className="field">
          <label htmlFor="policy-creditor">{t('policy.creditor')}</label>
          <input id="policy-creditor" value={creditor} onChange={(e) => setCreditor(e.target.value)} aria-describedby="policy-creditor-hint" />
          <p className="hint" id="policy-creditor-hint">
            {t('policy.creditorHint')}
          </p>
        </div>
        <div className="actions filter-actions">
          <button type="submit">{t('policy.showPacks')}</button>
        </div>
      </form>
      <ErrorMessage error={packs.error} />
      {packs.loading && !packs.data && <Loading />}
      {selected && (
        <Tabs label={t('policy.countries')} items={list.map((p) => ({ key: p.country, label: countryName(p.country, t) }))} selected={selected.country} onSelect={setCountry}>
          <h2>{t('policy.packFor', { country: countryName(selected.country, t) })}</h2>
          <PackView entry={selected} />
        </Tabs>
      )}
      <Simulator />
    </>
  );
}
