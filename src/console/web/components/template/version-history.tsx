import { useId, useState } from 'react';
import { post } from '../../api.ts';
import type { Channel, Language, StaffUser, TemplateVersion } from '../../api-types.ts';
import { can } from '../../access.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage } from '../messages.tsx';
import { statusName } from '../names.ts';
import { sampleFor } from './parts.ts';

// The versions of one template in one language, newest first: who wrote and reviewed each, and the
// actions the reader's roles allow. The service enforces four eyes; a refusal is shown as it comes.

type Busy = { id: string; action: string } | null;

function ReviewForm({ version, onDone, languageName }: { version: TemplateVersion; onDone(message: string): void; languageName: string }) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const review = async (verb: 'approve' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      await post<TemplateVersion>(`/v1/template-versions/${version.id}/${verb}`, comment.trim() ? { comment: comment.trim() } : {});
      onDone(verb === 'approve' ? t('history.approved', { number: version.number }) : t('history.rejected', { number: version.number }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="review-form" aria-label={t('history.reviewForm', { number: version.number, language: languageName })} onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={`${id}-comment`}>{t('history.comment')}</label>
      <textarea id={`${id}-comment`} rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      <div className="actions">
        <button type="button" onClick={() => void review('approve')} disabled={busy}>
          {t('history.approve')}
        </button>
        <button type="button" className="button-secondary" onClick={() => void review('reject')} disabled={busy}>
          {t('history.reject')}
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

export function VersionHistory({
  versions,
  channel,
  locale,
  languageName,
  user,
  onChanged,
  onOpen,
}: {
  versions: readonly TemplateVersion[];
  channel: Channel;
  locale: Language;
  languageName: string;
  user: StaffUser;
  onChanged(message: string): void;
  onOpen(version: TemplateVersion): void;
}) {
  const { t, fmt } = useI18n();
  const [busy, setBusy] = useState<Busy>(null);
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [confirming, setConfirming] = useState<string | null>(null);
  const reviewer = can(user, 'reviewTemplates');
  const active = versions.find((v) => v.active) ?? null;

  const activate = async (v: TemplateVersion, rollback: boolean) => {
    setBusy({ id: v.id, action: 'activate' });
    setErrors((e) => ({ ...e, [v.id]: null }));
    try {
      await post<TemplateVersion>(`/v1/template-versions/${v.id}/activate`);
      setConfirming(null);
      onChanged(rollback ? t('history.rolledBack', { number: v.number }) : t('history.activated', { number: v.number }));
    } catch (err) {
      setErrors((e) => ({ ...e, [v.id]: err }));
    } finally {
      setBusy(null);
    }
  };

  if (versions.length === 0) return <p className="muted">{t('history.none')}</p>;
  return (
    <ol className="versions">
      {versions.map((v) => {
        const older = active !== null && v.number < active.number;
        return (
          <li key={v.id} className={`version version-${v.status}${v.active ? ' version-active' : ''}`}>
            <h4 className="version-title">
              {t('history.version', { number: v.number })} <span className={`badge badge-${v.status}`}>{statusName(v.status, t)}</span>
              {v.active && <span className="badge badge-active">{t('history.active')}</span>}
            </h4>
            <p className="small">
              {t('history.by', { author: v.author, time: fmt.dateTime(v.createdAt) })}
              {v.reviewer && (
                <>
                  <br />
                  {t('history.reviewedBy', { reviewer: v.reviewer })}
                </>
              )}
              {v.reviewComment && (
                <>
                  <br />
                  {t('history.reviewComment', { comment: v.reviewComment })}
                </>
              )}
            </p>
            {v.problems.length > 0 && (
              <ul className="problems small">
                {v.problems.map((p, i) => (
                  <li key={i}>
                    {p.where}: {p.problem}
                  </li>
                ))}
              </ul>
            )}
            <div className="actions">
              <button type="button" className="button-link" onClick={() => onOpen(v)}>
                {t('history.openInEditor', { number: v.number })}
              </button>
              {channel === 'letter' && (
                <a href={`/v1/template-versions/${v.id}/preview.pdf?sample=${sampleFor(locale)}`} target="_blank" rel="noopener">
                  {t('history.pdf', { number: v.number })}
                </a>
              )}
              {reviewer && v.status === 'approved' && !v.active && !older && (
                <button type="button" onClick={() => void activate(v, false)} disabled={busy !== null}>
                  {t('history.activate', { number: v.number })}
                </button>
              )}
              {reviewer && v.status === 'approved' && !v.active && older && confirming !== v.id && (
                <button type="button" className="button-secondary" onClick={() => setConfirming(v.id)} disabled={busy !== null}>
                  {t('history.rollBack', { number: v.number })}
                </button>
              )}
            </div>
            {confirming === v.id && active && (
              <div className="confirm" role="group" aria-label={t('history.confirmRollBackLabel', { number: v.number })}>
                <p>{t('history.confirmRollBack', { number: v.number, active: active.number, language: languageName })}</p>
                <div className="actions">
                  <button type="button" onClick={() => void activate(v, true)} disabled={busy !== null}>
                    {t('history.confirmRollBackButton')}
                  </button>
                  <button type="button" className="button-secondary" onClick={() => setConfirming(null)}>
                    {t('common.cancel')}
                  </button>
                </div>
              </div>
            )}
            {reviewer && v.status === 'submitted' && <ReviewForm version={v} languageName={languageName} onDone={onChanged} />}
            {reviewer && v.status === 'submitted' && v.author === user.username && <p className="muted small">{t('history.ownVersion')}</p>}
            <ErrorMessage error={errors[v.id]} />
          </li>
        );
      })}
    </ol>
  );
}
