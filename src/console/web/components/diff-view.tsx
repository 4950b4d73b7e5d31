import { diffLines } from 'diff';
import { useI18n } from '../i18n/index.tsx';

// A line diff of each part. Added and removed lines carry a sign, an <ins>/<del> element and a hidden
// word for screen readers, not colour alone.

interface Line {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

function lines(before: string, after: string): Line[] {
  const out: Line[] = [];
  for (const change of diffLines(before, after)) {
    const kind = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const texts = change.value.replace(/\n$/, '').split('\n');
    for (const text of texts) out.push({ kind, text });
  }
  return out;
}

export function DiffView({ parts, before, after, partLabel }: { parts: readonly string[]; before: Record<string, string>; after: Record<string, string>; partLabel(part: string): string }) {
  const { t } = useI18n();
  return (
    <div className="diff">
      {parts.map((part) => {
        const rows = lines(before[part] ?? '', after[part] ?? '');
        const added = rows.filter((r) => r.kind === 'added').length;
        const removed = rows.filter((r) => r.kind === 'removed').length;
        return (
          <section key={part} className="diff-part" aria-label={partLabel(part)}>
            <h4>
              {partLabel(part)} <span className="muted">{added + removed === 0 ? t('diff.noChanges') : t('diff.summary', { added, removed })}</span>
            </h4>
            <ol className="diff-lines">
              {rows.map((row, i) => (
                <li key={i} className={`diff-${row.kind}`}>
                  <span className="diff-sign" aria-hidden="true">
                    {row.kind === 'added' ? '+' : row.kind === 'removed' ? '−' : ' '}
                  </span>
                  {row.kind === 'added' ? (
                    <ins>
                      <span className="visually-hidden">{t('diff.added')} </span>
                      {row.text || ' '}
                    </ins>
                  ) : row.kind === 'removed' ? (
                    <del>
                      <span className="visually-hidden">{t('diff.removed')} </span>
                      {row.text || ' '}
                    </del>
                  ) : (
                    <span>{row.text || ' '}</span>
                  )}
                </li>
              ))}
            </ol>
          </section>
        );
      })}
    </div>
  );
}
