import { useI18n, type Formats } from '../i18n/index.tsx';

// What a decision saw, as a definition list: nested objects become nested lists, instants are
// written in the reader's language. The keys are the policy's own words, made readable.

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const humanize = (key: string): string => {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function Value({ value, fmt, yes, no }: { value: unknown; fmt: Formats; yes: string; no: string }) {
  if (value === null || value === undefined) return <>—</>;
  if (typeof value === 'boolean') return <>{value ? yes : no}</>;
  if (typeof value === 'number') return <>{fmt.number(value)}</>;
  if (typeof value === 'string') return <>{ISO_INSTANT.test(value) ? fmt.dateTime(value) : value}</>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <>—</>;
    if (value.every((v) => typeof v !== 'object' || v === null)) return <>{value.map(String).join(', ')}</>;
    return (
      <ul className="evidence-items">
        {value.map((v, i) => (
          <li key={i}>
            <Value value={v} fmt={fmt} yes={yes} no={no} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') return <EvidenceEntries data={value as Record<string, unknown>} fmt={fmt} yes={yes} no={no} />;
  return <>{String(value)}</>;
}

function EvidenceEntries({ data, fmt, yes, no }: { data: Record<string, unknown>; fmt: Formats; yes: string; no: string }) {
  const entries = Object.entries(data).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return <>—</>;
  return (
    <dl className="evidence">
      {entries.map(([key, value]) => (
        <div key={key} className="evidence-row">
          <dt>{humanize(key)}</dt>
          <dd>
            <Value value={value} fmt={fmt} yes={yes} no={no} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function EvidenceList({ data }: { data: Record<string, unknown> | null | undefined }) {
  const { t, fmt } = useI18n();
  if (!data || Object.keys(data).length === 0) return <p className="muted">{t('decision.noEvidence')}</p>;
  return <EvidenceEntries data={data} fmt={fmt} yes={t('common.yes')} no={t('common.no')} />;
}
