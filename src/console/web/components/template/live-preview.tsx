import { useEffect, useState } from 'react';
import { fetchBlob } from '../../api.ts';
import type { Channel, Language, PreviewSample, SampleCountry } from '../../api-types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage } from '../messages.tsx';
import { SandboxedFrame } from '../sandboxed-frame.tsx';
import { ScaledPage } from '../scaled-page.tsx';
import { screenPage } from './letter-page.ts';

// What the text in the editor becomes for one sample debtor, shown the way the channel shows it.

function SmsPreview({ sample }: { sample: PreviewSample }) {
  const { t, fmt } = useI18n();
  const sms = sample.sms;
  const over = sms ? sms.segments > sms.budget : false;
  return (
    <div className="preview-sms">
      <pre className="sms-bubble" data-testid="sms-text">
        {sample.parts.body ?? ''}
      </pre>
      {sms && (
        <>
          <dl className="facts">
            <div>
              <dt>{t('preview.encoding')}</dt>
              <dd data-testid="sms-encoding">{sms.encoding}</dd>
            </div>
            <div>
              <dt>{t('preview.segments')}</dt>
              <dd>
                <span data-testid="sms-segments">{sms.segments}</span>
                {over && <strong className="text-error"> {t('preview.overBudget')}</strong>}
              </dd>
            </div>
            <div>
              <dt>{t('preview.characters')}</dt>
              <dd data-testid="sms-characters">{fmt.number(sms.characters)}</dd>
            </div>
            <div>
              <dt>{t('preview.budget')}</dt>
              <dd>{t('preview.budgetSegments', { count: sms.budget })}</dd>
            </div>
          </dl>
          {sms.warnings.length > 0 && (
            <div className="preview-warnings">
              <h4>{t('preview.costWarnings')}</h4>
              <ul>
                {sms.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </div>
          )}
          {sms.transliteration !== undefined && sms.transliteration !== null && <Transliteration value={sms.transliteration} />}
        </>
      )}
    </div>
  );
}

function Transliteration({ value }: { value: unknown }) {
  const { t } = useI18n();
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { segmentsSaved?: number; becomesGsm7?: boolean; text?: string; changes?: Record<string, number> };
  const changes = Object.entries(v.changes ?? {});
  if (changes.length === 0) return null;
  return (
    <details className="transliteration">
      <summary>{t('preview.transliteration', { saved: v.segmentsSaved ?? 0 })}</summary>
      <p>{v.becomesGsm7 ? t('preview.transliterationGsm') : t('preview.transliterationStillUcs')}</p>
      <p className="small">{changes.map(([ch, n]) => `${ch} ×${n}`).join(', ')}</p>
      {v.text && <pre className="sms-bubble">{v.text}</pre>}
    </details>
  );
}

function EmailPreview({ sample, languageName }: { sample: PreviewSample; languageName: string }) {
  const { t } = useI18n();
  return (
    <div className="preview-email">
      <p className="email-subject">
        <span className="muted">{t('preview.subject')}: </span>
        <strong data-testid="email-subject">{sample.parts.subject ?? ''}</strong>
      </p>
      <SandboxedFrame html={sample.parts.html ?? ''} title={t('preview.emailFrame', { language: languageName })} className="email-frame" />
      <h4>{t('preview.textPart')}</h4>
      <pre className="plain-text">{sample.parts.text ?? ''}</pre>
    </div>
  );
}

function WhatsAppPreview({ sample }: { sample: PreviewSample }) {
  const { t } = useI18n();
  const wa = sample.whatsapp;
  return (
    <div className="preview-whatsapp">
      <h4>{t('preview.freeText')}</h4>
      <div className="chat">
        <p className="chat-bubble chat-out" data-testid="whatsapp-free-text">
          {wa?.freeText ?? sample.parts.body ?? ''}
        </p>
      </div>
      <h4>{t('preview.templateForm')}</h4>
      {wa?.template ? (
        <div className="chat">
          <p className="chat-bubble chat-out chat-template">{wa.template.body}</p>
          <p className="muted small">{t('preview.contentSid', { sid: wa.template.contentSid })}</p>
        </div>
      ) : (
        <p className="muted">{t('preview.noTemplateForm')}</p>
      )}
    </div>
  );
}

function LetterPreview({ sample, template, locale, parts, languageName }: { sample: PreviewSample; template: string; locale: Language; parts: Record<string, string>; languageName: string }) {
  const { t } = useI18n();
  const [pdf, setPdf] = useState<{ url: string; key: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify([parts, sample.country]);

  // A PDF belongs to the text it was made from; a changed text drops the old link.
  useEffect(() => {
    if (pdf && pdf.key !== key) {
      URL.revokeObjectURL(pdf.url);
      setPdf(null);
    }
  }, [key, pdf]);
  useEffect(() => () => void (pdf && URL.revokeObjectURL(pdf.url)), [pdf]);

  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      const blob = await fetchBlob('POST', `/v1/templates/${encodeURIComponent(template)}/letter/${locale}/preview.pdf`, { parts, sample: sample.country });
      setPdf({ url: URL.createObjectURL(blob), key });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="preview-letter">
      <ScaledPage html={screenPage(sample.letterPage ?? sample.parts.html ?? '')} title={t('preview.letterFrame', { language: languageName })} />
      <p className="hint">{t('preview.letterHint')}</p>
      <div className="actions">
        <button type="button" className="button-secondary" onClick={() => void make()} disabled={busy}>
          {busy ? t('preview.makingPdf') : t('preview.makePdf')}
        </button>
        {pdf && (
          <>
            <a href={pdf.url} download={`${template}-${locale}-${sample.country}.pdf`}>
              {t('preview.downloadPdf')}
            </a>
            <a href={pdf.url} target="_blank" rel="noopener">
              {t('preview.openPdf')}
            </a>
          </>
        )}
      </div>
      <ErrorMessage error={error} />
    </div>
  );
}

export function SamplePreview({ channel, sample, template, locale, parts, languageName }: { channel: Channel; sample: PreviewSample; template: string; locale: Language; parts: Record<string, string>; languageName: string }) {
  const { t } = useI18n();
  if (sample.error) {
    return (
      <p className="message message-error">
        <span className="message-title">{t('preview.renderFailed')}</span> {sample.error}
      </p>
    );
  }
  switch (channel) {
    case 'sms':
      return <SmsPreview sample={sample} />;
    case 'email':
      return <EmailPreview sample={sample} languageName={languageName} />;
    case 'whatsapp':
      return <WhatsAppPreview sample={sample} />;
    case 'letter':
      return <LetterPreview sample={sample} template={template} locale={locale} parts={parts} languageName={languageName} />;
  }
}

export const pickSample = (samples: readonly PreviewSample[], country: SampleCountry): PreviewSample | null => samples.find((s) => s.country === country) ?? samples[0] ?? null;
