import { get } from '../api.ts';
import type { AuditFacets } from '../api-types.ts';
import { useI18n } from '../i18n/index.tsx';
import { navigate, useLocation } from '../router.tsx';
import { AuditSearch, type AuditKind } from '../components/audit-search.tsx';
import { ErrorMessage } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { Tabs } from '../components/tabs.tsx';
import { useLoad } from '../components/use-load.ts';

// Audit: what the policy decided and what was sent, searchable and exportable.

export function AuditPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const kind: AuditKind = search.get('view') === 'messages' ? 'messages' : 'decisions';
  const facets = useLoad((signal) => get<AuditFacets>('/v1/audit/facets', signal), []);
  return (
    <>
      <PageHeading title={t('audit.title')} />
      <p className="lead">{t('audit.intro')}</p>
      <ErrorMessage error={facets.error} />
      <Tabs
        label={t('audit.views')}
        items={[
          { key: 'decisions', label: t('audit.decisions') },
          { key: 'messages', label: t('audit.messages') },
        ]}
        selected={kind}
        onSelect={(k) => navigate(k === 'messages' ? '/audit?view=messages' : '/audit', { replace: true })}
      >
        <h2 className="visually-hidden">{t(kind === 'decisions' ? 'audit.decisions' : 'audit.messages')}</h2>
        <AuditSearch key={kind} kind={kind} facets={facets.data} />
      </Tabs>
    </>
  );
}
