import type { ReactNode } from 'react';
import { isApiError } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

// Errors are announced at once (role="alert"); progress and results politely (role="status").

export function ErrorMessage({ error, id }: { error: unknown; id?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  let title: string;
  let detail: string | null = null;
  let items: string[] = [];
  if (isApiError(error)) {
    if (error.status === 0) {
      title = t('error.network');
    } else {
      title = error.title;
      detail = error.detail;
      items = [
        ...error.problems.map((p) => (p.line ? t('problem.atLine', { line: p.line, problem: p.problem }) : p.where ? `${p.where}: ${p.problem}` : p.problem)),
        ...error.errors.map((e) => `${e.pointer}: ${e.detail}`),
      ];
    }
  } else {
    title = t('error.unexpected');
  }
  return (
    <div className="message message-error" role="alert" id={id}>
      <p className="message-title">{title}</p>
      {detail && <p>{detail}</p>}
      {items.length > 0 && (
        <ul>
          {items.map((item, i) => (
            <li key={i}>{item}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A live region that is always in the page, so that screen readers hear what is put in it. */
export function StatusMessage({ children, className }: { children?: ReactNode; className?: string }) {
  return (
    <div role="status" aria-live="polite" className={`status-line ${className ?? ''}`}>
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <p className="muted">{t('common.loading')}</p>;
}
