import { useState } from 'react';
import { get, post } from '../api.ts';
import type { DeadLetter, Failure, ForwardingStatus, Page, QueueDepth } from '../api-types.ts';
import { can } from '../access.ts';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { useUser } from '../session.tsx';
import { ErrorMessage, Loading, StatusMessage } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { channelName, statusName } from '../components/names.ts';
import { useLoad } from '../components/use-load.ts';

// Operations: queue depths, messages that failed, and forwarding to the case system with its dead
// letters, which admins can send again one by one or all at once.

const COUNTS = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused'] as const;

export function OperationsPage() {
  const { t, fmt } = useI18n();
  const user = useUser();
  const mayReplay = can(user, 'replay');
  const queues = useLoad((signal) => get<{ queues: QueueDepth[]; checkedAt: string }>('/v1/operations/queues', signal), []);
  const failures = useLoad((signal) => get<{ items: Failure[] }>('/v1/operations/failures?limit=50', signal).then((r) => r.items), []);
  const forwarding = useLoad((signal) => get<ForwardingStatus>('/v1/forwarding/status', signal), []);
  const dead = useLoad((signal) => get<Page<DeadLetter>>('/v1/forwarding/dead-letters?limit=100', signal), []);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);

  const refresh = () => {
    queues.reload();
    failures.reload();
    forwarding.reload();
    dead.reload();
  };

  const act = async (key: string, run: () => Promise<string>) => {
    setBusy(key);
    setError(null);
    setStatus('');
    try {
      setStatus(await run());
      refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const replayOne = (d: DeadLetter) =>
    act(d.id, async () => {
      await post(`/v1/forwarding/dead-letters/${d.id}/replay`);
      return t('operations.replayed', { id: d.id });
    });
  const replayAll = () =>
    act('all', async () => {
      const r = await post<{ replayed: number }>('/v1/forwarding/replay', {});
      setConfirmAll(false);
      return t('operations.replayedAll', { count: r.replayed });
    });
  const enable = () =>
    act('enable', async () => {
      await post('/v1/forwarding/enable');
      return t('operations.enabled');
    });

  return (
    <>
      <PageHeading title={t('operations.title')}>
        <button type="button" className="button-secondary" onClick={refresh}>
          {t('common.refresh')}
        </button>
      </PageHeading>
      <StatusMessage>{status}</StatusMessage>
      <ErrorMessage error={error} />

      <section aria-labelledby="ops-queues">
        <h2 id="ops-queues">{t('operations.queues')}</h2>
        <ErrorMessage error={queues.error} />
        {queues.loading && !queues.data && <Loading />}
        {queues.data && (
          <>
            <p className="small muted">{t('operations.checkedAt', { time: fmt.dateTime(queues.data.checkedAt) })}</p>
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('operations.queues')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('operations.queue')}</th>
                    {COUNTS.map((c) => (
                      <th scope="col" key={c} className="num">
                        {t(`operations.count.${c}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {queues.data.queues.map((q) => (
                    <tr key={q.name}>
                      <th scope="row">{q.name}</th>
                      {COUNTS.map((c) => (
                        <td key={c} className="num">
                          {fmt.number(q[c])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="ops-failures">
        <h2 id="ops-failures">{t('operations.failures')}</h2>
        <ErrorMessage error={failures.error} />
        {failures.loading && !failures.data && <Loading />}
        {failures.data && failures.data.length === 0 && <p className="muted">{t('operations.noFailures')}</p>}
        {failures.data && failures.data.length > 0 && (
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t('operations.failures')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('operations.at')}</th>
                  <th scope="col">{t('operations.case')}</th>
                  <th scope="col">{t('operations.message')}</th>
                  <th scope="col">{t('operations.channel')}</th>
                  <th scope="col">{t('operations.status')}</th>
                  <th scope="col">{t('operations.errorCode')}</th>
                </tr>
              </thead>
              <tbody>
                {failures.data.map((f) => (
                  <tr key={f.messageId}>
                    <td className="nowrap">{fmt.dateTime(f.at)}</td>
                    <th scope="row">
                      <Link to={`/cases/${encodeURIComponent(f.caseId)}`}>{f.caseId}</Link>
                    </th>
                    <td>
                      <code>{f.messageId}</code>
                    </td>
                    <td>{channelName(f.channel, t)}</td>
                    <td>{statusName(f.status, t)}</td>
                    <td>{f.lastErrorCode ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="ops-forwarding">
        <h2 id="ops-forwarding">{t('operations.forwarding')}</h2>
        <ErrorMessage error={forwarding.error} />
        {forwarding.data && (
          <>
            <dl className="facts facts-grid">
              <div>
                <dt>{t('operations.configured')}</dt>
                <dd>{forwarding.data.configured ? t('common.yes') : t('common.no')}</dd>
              </div>
              <div>
                <dt>{t('operations.pending')}</dt>
                <dd>{fmt.number(forwarding.data.pending)}</dd>
              </div>
              <div>
                <dt>{t('operations.oldestPending')}</dt>
                <dd>{forwarding.data.oldestPendingAgeSeconds === null ? '—' : t('operations.seconds', { count: forwarding.data.oldestPendingAgeSeconds })}</dd>
              </div>
              <div>
                <dt>{t('operations.dead')}</dt>
                <dd>{fmt.number(forwarding.data.dead)}</dd>
              </div>
              <div>
                <dt>{t('operations.endpoint')}</dt>
                <dd>
                  {forwarding.data.endpoint.disabled
                    ? t('operations.endpointDisabled', { time: fmt.dateTime(forwarding.data.endpoint.disabledAt), reason: forwarding.data.endpoint.disabledReason ?? '—' })
                    : forwarding.data.endpoint.pausedUntil
                      ? t('operations.endpointPaused', { time: fmt.dateTime(forwarding.data.endpoint.pausedUntil) })
                      : t('operations.endpointActive')}
                </dd>
              </div>
            </dl>
            {forwarding.data.endpoint.disabled && mayReplay && (
              <button type="button" onClick={() => void enable()} disabled={busy !== null}>
                {t('operations.enable')}
              </button>
            )}
          </>
        )}

        <h3>{t('operations.deadLetters')}</h3>
        <ErrorMessage error={dead.error} />
        {dead.data && dead.data.items.length === 0 && <p className="muted">{t('operations.noDeadLetters')}</p>}
        {dead.data && dead.data.items.length > 0 && (
          <>
            {mayReplay && !confirmAll && (
              <button type="button" className="button-secondary" onClick={() => setConfirmAll(true)} disabled={busy !== null}>
                {t('operations.replayAll')}
              </button>
            )}
            {mayReplay && confirmAll && (
              <div className="confirm" role="group" aria-label={t('operations.replayAll')}>
                <p>{t('operations.confirmReplayAll', { count: forwarding.data?.dead ?? dead.data.items.length })}</p>
                <div className="actions">
                  <button type="button" onClick={() => void replayAll()} disabled={busy !== null}>
                    {t('operations.confirmReplayAllButton')}
                  </button>
                  <button type="button" className="button-secondary" onClick={() => setConfirmAll(false)}>
                    {t('common.cancel')}
                  </button>
                </div>
              </div>
            )}
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('operations.deadLetters')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('operations.deadLetter')}</th>
                    <th scope="col">{t('operations.type')}</th>
                    <th scope="col">{t('operations.case')}</th>
                    <th scope="col" className="num">
                      {t('operations.attempts')}
                    </th>
                    <th scope="col">{t('operations.lastStatus')}</th>
                    <th scope="col">{t('operations.deadAt')}</th>
                    {mayReplay && <th scope="col">{t('operations.actions')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {dead.data.items.map((d) => (
                    <tr key={d.id}>
                      <th scope="row">
                        <code>{d.id}</code>
                      </th>
                      <td>{d.type}</td>
                      <td>{d.caseId ? <Link to={`/cases/${encodeURIComponent(d.caseId)}`}>{d.caseId}</Link> : '—'}</td>
                      <td className="num">{fmt.number(d.attempts)}</td>
                      <td>{[d.lastStatus, d.lastError].filter((x) => x !== null && x !== '').join(' · ') || '—'}</td>
                      <td className="nowrap">{fmt.dateTime(d.deadAt)}</td>
                      {mayReplay && (
                        <td>
                          <button type="button" className="button-small" onClick={() => void replayOne(d)} disabled={busy !== null} aria-label={t('operations.replayOne', { id: d.id })}>
                            {t('operations.replay')}
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </>
  );
}
