import { get } from '../api.ts';
import type { Catalogue, Channel } from '../api-types.ts';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { ErrorMessage } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { channelName } from '../components/names.ts';
import { useLoad } from '../components/use-load.ts';
import { LanguageColumn } from '../components/template/language-column.tsx';
import { LANGUAGES } from '../components/template/parts.ts';

// One template on one channel in all four languages side by side, so a change in one language is
// made, checked and reviewed next to the others.

export function TemplateEditorPage({ template, channel }: { template: string; channel: Channel }) {
  const { t } = useI18n();
  const catalogue = useLoad((signal) => get<Catalogue>('/v1/templates', signal), []);
  const entry = catalogue.data?.templates.find((x) => x.template === template) ?? null;
  const unknown = catalogue.data !== null && (!entry || !entry.channels.includes(channel));
  const languages = catalogue.data?.languages ?? LANGUAGES;
  const title = t('editor.title', { template, channel: channelName(channel, t) });

  return (
    <>
      <p className="breadcrumb">
        <Link to="/templates">{t('editor.back')}</Link>
      </p>
      <PageHeading title={title} />
      {entry?.description && <p className="lead">{entry.description}</p>}
      {entry && entry.channels.length > 1 && (
        <nav aria-label={t('editor.otherChannels')} className="channel-switch">
          <ul>
            {entry.channels.map((c) => (
              <li key={c}>
                <Link to={`/templates/${encodeURIComponent(template)}/${c}`} aria-current={c === channel ? 'page' : undefined}>
                  {channelName(c, t)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <p className="hint" id="editor-keyboard-hint">
        {t('editor.keyboardHint')}
      </p>
      <ErrorMessage error={catalogue.error} />
      {unknown ? (
        <p className="message message-error" role="alert">
          {t('editor.unknownTemplate', { template, channel: channelName(channel, t) })}
        </p>
      ) : (
        <div className="lang-columns">
          {languages.map((locale) => (
            <LanguageColumn key={`${template}/${channel}/${locale}`} template={template} channel={channel} locale={locale} />
          ))}
        </div>
      )}
    </>
  );
}
