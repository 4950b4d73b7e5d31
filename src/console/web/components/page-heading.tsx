import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

// Each page's h1 takes focus when the page opens, so keyboard and screen-reader users start at the
// top of the new content rather than on the link they followed; the tab's title follows.

export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  const { t } = useI18n();
  const ref = useRef<HTMLHeadingElement>(null);
  const app = t('app.name');
  useEffect(() => {
    document.title = `${title} · ${app}`;
  }, [title, app]);
  useEffect(() => {
    // Only after a navigation inside the app: on first load the skip link should come first.
    if (document.activeElement && document.activeElement !== document.body) ref.current?.focus({ preventScroll: false });
  }, [title]);
  return (
    <div className="page-heading">
      <h1 ref={ref} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
