import { useId, useState } from 'react';
import type { Channel, TemplateVersion } from '../../api-types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { DiffView } from '../diff-view.tsx';
import { partName, statusName } from '../names.ts';
import { PARTS } from './parts.ts';

// Any two versions side by side as a line diff, or a version against the text in the editor
// (by default: the active version against the editor, i.e. what a review would change).

const EDITOR = 'editor';

export function CompareVersions({ versions, channel, editorParts, languageName }: { versions: readonly TemplateVersion[]; channel: Channel; editorParts: Record<string, string>; languageName: string }) {
  const { t } = useI18n();
  const id = useId();
  const active = versions.find((v) => v.active) ?? versions[versions.length - 1] ?? null;
  const [from, setFrom] = useState<string>(active?.id ?? EDITOR);
  const [to, setTo] = useState<string>(EDITOR);
  const partsOf = (key: string): Record<string, string> => (key === EDITOR ? editorParts : (versions.find((v) => v.id === key)?.parts ?? {}));
  const options = [
    { value: EDITOR, label: t('compare.editorText') },
    ...versions.map((v) => ({ value: v.id, label: `${t('history.version', { number: v.number })} · ${statusName(v.status, t)}${v.active ? ` · ${t('history.active')}` : ''}` })),
  ];
  return (
    <div className="compare" role="group" aria-label={t('compare.label', { language: languageName })}>
      <div className="compare-pickers">
        <div className="field">
          <label htmlFor={`${id}-from`}>{t('compare.from')}</label>
          <select id={`${id}-from`} value={from} onChange={(e) => setFrom(e.target.value)}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>{t('compare.to')}</label>
          <select id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted small">{t('compare.legend')}</p>
      <DiffView parts={PARTS[channel].map((p) => p.part)} before={partsOf(from)} after={partsOf(to)} partLabel={(p) => partName(p, t)} />
    </div>
  );
}
