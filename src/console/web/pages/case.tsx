import { encode, get } from '../api.ts';
import type { CaseSummary, ConversationEntry, Timeline } from '../api-types.ts';
import { useI18n } from '../i18n/index.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { ErrorMessage, Loading } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { Tabs } from '../components/tabs.tsx';
import { useLoad } from '../components/use-load.ts';
import { CaseSummaryView } from '../components/case/case-summary.tsx';
import { TimelineView } from '../components/case/timeline.tsx';
import { ConversationView } from '../components/case/conversation.tsx';

// One case: its summary, then the timeline or the conversation (the tab is kept in the URL).

type View = 'timeline' | 'conversation';

export function CasePage({ caseId }: { caseId: string }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const view: View = search.get('view') === 'conversation' ? 'conversation' : 'timeline';
  const base = `/v1/cases/${encode(caseId)}`;
  const summary = useLoad((signal) => get<CaseSummary>(base, signal), [base]);
  const timeline = useLoad(view === 'timeline' ? (signal) => get<Timeline>(`${base}/timeline`, signal) : null, [base, view]);
  const conversation = useLoad(view === 'conversation' ? (signal) => get<{ entries: ConversationEntry[] }>(`${base}/conversation`, signal) : null, [base, view]);

  const select = (v: View) => navigate(`/cases/${encode(caseId)}${v === 'conversation' ? '?view=conversation' : ''}`, { replace: true });

  return (
    <>
      <p className="breadcrumb">
        <Link to="/cases">{t('case.back')}</Link>
      </p>
      <PageHeading title={t('case.title', { caseId })} />
      <ErrorMessage error={summary.error} />
      {summary.loading && !summary.data && <Loading />}
      {summary.data && <CaseSummaryView summary={summary.data} />}
      <Tabs
        label={t('case.views')}
        items={[
          { key: 'timeline', label: t('case.timeline') },
          { key: 'conversation', label: t('case.conversation') },
        ]}
        selected={view}
        onSelect={select}
      >
        {view === 'timeline' && (
          <>
            <h2 className="visually-hidden">{t('case.timeline')}</h2>
            <ErrorMessage error={timeline.error} />
            {timeline.loading && <Loading />}
            {timeline.data && <TimelineView entries={timeline.data.entries} timeZone={summary.data?.debtor.timeZone ?? null} />}
          </>
        )}
        {view === 'conversation' && (
          <>
            <h2 className="visually-hidden">{t('case.conversation')}</h2>
            <ErrorMessage error={conversation.error} />
            {conversation.loading && <Loading />}
            {conversation.data && <ConversationView entries={conversation.data.entries} />}
          </>
        )}
      </Tabs>
    </>
  );
}
