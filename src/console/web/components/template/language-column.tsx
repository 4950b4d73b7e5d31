import { useEffect, useId, useMemo, useState } from 'react';
import { get, post } from '../../api.ts';
import type { Channel, Language, SampleCountry, TemplateVersion } from '../../api-types.ts';
import { can } from '../../access.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useUser } from '../../session.tsx';
import { CodeEditor } from '../code-editor.tsx';
import { ErrorMessage, Loading, StatusMessage } from '../messages.tsx';
import { countryName, languageName, partName } from '../names.ts';
import type { LineProblem } from '../problem-marks.ts';
import { useLoad } from '../use-load.ts';
import { CompareVersions } from './compare-versions.tsx';
import { pickSample, SamplePreview } from './live-preview.tsx';
import { onlyParts, PARTS, SAMPLES, sameParts, sampleFor, startingVersion } from './parts.ts';
import { useLivePreview } from './use-live-preview.ts';
import { VersionHistory } from './version-history.tsx';

const NO_PROBLEMS: LineProblem[] = [];

// One language of one template on one channel: its editors, the live preview, the actions on the
// text (save a draft, submit it) and the version history with review and activation.

export function LanguageColumn({ template, channel, locale }: { template: string; channel: Channel; locale: Language }) {
  const { t } = useI18n();
  const user = useUser();
  const ids = useId();
  const mayEdit = can(user, 'editTemplates');
  const language = languageName(locale, t);
  const versionsPath = `/v1/templates/${encodeURIComponent(template)}/${channel}/${locale}/versions`;
  const versions = useLoad((signal) => get<{ versions: TemplateVersion[] }>(versionsPath, signal).then((r) => r.versions), [versionsPath]);

  const [parts, setParts] = useState<Record<string, string> | null>(null);
  const [base, setBase] = useState<TemplateVersion | null>(null);
  const [sample, setSample] = useState<SampleCountry>(sampleFor(locale));
  const [status, setStatus] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<null | 'save' | 'submit'>(null);
  const [comparing, setComparing] = useState(false);
  // Bumped whenever the editors' text is replaced from outside (a version opened, changes discarded).
  const [revision, setRevision] = useState(0);

  // First load: the editor starts from the newest draft (or the active version). Later loads keep
  // the editor's text and only refresh what we know about the version it came from.
  useEffect(() => {
    const list = versions.data;
    if (!list) return;
    if (parts === null) {
      const start = startingVersion(list);
      setBase(start);
      setParts(onlyParts(channel, start?.parts ?? {}));
    } else if (base) {
      const fresh = list.find((v) => v.id === base.id);
      if (fresh && fresh !== base) setBase(fresh);
    }
  }, [versions.data]);

  const preview = useLivePreview(template, channel, locale, parts, sample);
  const dirty = parts !== null && (!base || !sameParts(parts, onlyParts(channel, base.parts)));
  const problems = preview.data?.problems ?? [];
  const byPart = useMemo(() => {
    const out = new Map<string, LineProblem[]>();
    for (const p of problems) if (p.part && p.line) out.set(p.part, [...(out.get(p.part) ?? []), { line: p.line, message: p.problem }]);
    return out;
  }, [problems]);
  const general = problems.filter((p) => !p.part || !p.line || !PARTS[channel].some((x) => x.part === p.part));
  const shown = parts ? pickSample(preview.data?.samples ?? [], sample) : null;

  const act = async (kind: 'save' | 'submit', run: () => Promise<string>) => {
    setBusy(kind);
    setActionError(null);
    setStatus('');
    try {
      setStatus(await run());
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
      versions.reload();
    }
  };

  const saveDraft = async (): Promise<TemplateVersion> => {
    const created = await post<TemplateVersion>(versionsPath, { parts });
    setBase(created);
    return created;
  };

  const onSave = () => act('save', async () => t('editor.saved', { number: (await saveDraft()).number }));
  const onSubmit = () =>
    act('submit', async () => {
      const draft = dirty || !base || base.status !== 'draft' ? await saveDraft() : base;
      const submitted = await post<TemplateVersion>(`/v1/template-versions/${draft.id}/submit`);
      setBase(submitted);
      return t('editor.submitted', { number: submitted.number });
    });
  const onDiscard = () => {
    if (!base) return;
    setParts(onlyParts(channel, base.parts));
    setRevision((r) => r + 1);
    setStatus(t('editor.discarded'));
  };
  const open = (v: TemplateVersion) => {
    setBase(v);
    setParts(onlyParts(channel, v.parts));
    setRevision((r) => r + 1);
    setActionError(null);
    setStatus(t('editor.opened', { number: v.number }));
  };

  const headingId = `${ids}-heading`;
  return (
    <section className="lang-column" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {language} <span className="muted">({locale})</span>
      </h2>
      <ErrorMessage error={versions.error} />
      {parts === null && versions.loading && <Loading />}
      {parts !== null && (
        <>
          <p className="small muted editing-note">
            {!base
              ? t('editor.noVersion')
              : base.status === 'draft'
                ? t('editor.editingDraft', { number: base.number })
                : t('editor.editingCopy', { number: base.number, status: t(`status.${base.status}`) })}
            {dirty && <strong className="unsaved"> {t('editor.unsaved')}</strong>}
          </p>
          {!mayEdit && <p className="small muted">{t('editor.readOnly')}</p>}
          {PARTS[channel].map(({ part, format }) => {
            const partProblems = byPart.get(part) ?? NO_PROBLEMS;
            const problemsId = `${ids}-${part}-problems`;
            return (
              <div key={part} className="part-editor">
                <div className="part-label" id={`${ids}-${part}-label`}>
                  {partName(part, t)}
                </div>
                <CodeEditor
                  value={parts[part] ?? ''}
                  revision={revision}
                  onChange={(value) => setParts((p) => ({ ...(p ?? {}), [part]: value }))}
                  language={format}
                  label={t('editor.partLabel', { part: partName(part, t), language })}
                  describedBy={problemsId}
                  readOnly={!mayEdit}
                  problems={partProblems}
                  handlebars
                />
                <ul id={problemsId} className="problems" aria-label={t('editor.problemsOf', { part: partName(part, t) })}>
                  {partProblems.map((p, i) => (
                    <li key={i}>{t('problem.atLine', { line: p.line, problem: p.message })}</li>
                  ))}
                </ul>
              </div>
            );
          })}
          {general.length > 0 && (
            <ul className="problems" aria-label={t('editor.generalProblems')}>
              {general.map((p, i) => (
                <li key={i}>{p.part ? `${partName(p.part, t)}: ${p.problem}` : p.problem}</li>
              ))}
            </ul>
          )}
          <StatusMessage className="small">{preview.data ? (problems.length ? t('editor.problemCount', { count: problems.length }) : t('editor.noProblems')) : ''}</StatusMessage>
          {mayEdit && (
            <div className="actions">
              <button type="button" onClick={() => void onSave()} disabled={busy !== null || !dirty}>
                {busy === 'save' ? t('editor.saving') : t('editor.saveDraft')}
              </button>
              <button type="button" onClick={() => void onSubmit()} disabled={busy !== null || (!dirty && base?.status !== 'draft')}>
                {busy === 'submit' ? t('editor.submitting') : t('editor.submit')}
              </button>
              <button type="button" className="button-secondary" onClick={onDiscard} disabled={busy !== null || !dirty || !base}>
                {t('editor.discard')}
              </button>
            </div>
          )}
          <StatusMessage>{status}</StatusMessage>
          <ErrorMessage error={actionError} />

          <section className="preview" aria-labelledby={`${ids}-preview`} aria-busy={preview.pending}>
            <div className="section-head">
              <h3 id={`${ids}-preview`}>{t('preview.title')}</h3>
              <label className="inline-label">
                {t('preview.sample')}
                <select value={sample} onChange={(e) => setSample(e.target.value as SampleCountry)}>
                  {SAMPLES.map((s) => (
                    <option key={s} value={s}>
                      {countryName(s, t)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <ErrorMessage error={preview.error} />
            {shown ? <SamplePreview channel={channel} sample={shown} template={template} locale={locale} parts={parts} languageName={language} /> : preview.pending && <Loading />}
          </section>

          <section className="history" aria-labelledby={`${ids}-history`}>
            <div className="section-head">
              <h3 id={`${ids}-history`}>{t('history.title')}</h3>
              <button type="button" className="button-secondary" aria-expanded={comparing} onClick={() => setComparing((c) => !c)}>
                {comparing ? t('compare.hide') : t('compare.show')}
              </button>
            </div>
            {comparing && versions.data && <CompareVersions versions={versions.data} channel={channel} editorParts={parts} languageName={language} />}
            {versions.data && (
              <VersionHistory
                versions={versions.data}
                channel={channel}
                locale={locale}
                languageName={language}
                user={user}
                onOpen={open}
                onChanged={(message) => {
                  setStatus(message);
                  versions.reload();
                }}
              />
            )}
          </section>
        </>
      )}
    </section>
  );
}
