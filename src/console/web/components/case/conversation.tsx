import type { ConversationEntry } from '../../api-types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { channelName, intentName, statusName } from '../names.ts';

// The conversation as the debtor lived it: what we sent and what they wrote, on every channel.

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function ConversationView({ entries }: { entries: readonly ConversationEntry[] }) {
  const { t, fmt } = useI18n();
  if (entries.length === 0) return <p className="muted">{t('conversation.empty')}</p>;
  return (
    <ol className="conversation">
      {entries.map((e, i) => {
        const out = e.direction === 'out';
        const channel = channelName(str(e.channel), t);
        const confidence = typeof e.confidence === 'number' ? e.confidence : null;
        return (
          <li key={i} className={`chat-row ${out ? 'chat-row-out' : 'chat-row-in'}`}>
            <div className={`chat-bubble ${out ? 'chat-out' : 'chat-in'}`}>
              <p className="chat-who">
                {out ? t('conversation.we', { channel }) : t('conversation.debtor', { channel })} · <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
              </p>
              <p className="chat-text" data-testid={out ? 'conversation-out-text' : 'conversation-in-text'}>
                {str(e.text) ?? <span className="muted">{t('timeline.noText')}</span>}
              </p>
              <p className="chat-meta small">
                {out && str(e.template) && <>{str(e.template)} · </>}
                {out && str(e.status) && statusName(str(e.status)!, t)}
                {!out && (
                  <>
                    {t('timeline.intent')}: {intentName(str(e.intent), t)}
                    {confidence !== null && <> ({fmt.percent(confidence)})</>}
                    {str(e.keyword) && <> · {t('timeline.keyword')}: {str(e.keyword)}</>}
                  </>
                )}
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
