import { useState, type FormEvent } from 'react';
import { isApiError } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { ErrorMessage, StatusMessage } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';

// Sign-in with username and password. A failure or throttling answer is shown in the service's own
// words (the problem's title and detail), with the wait when it gave one.

export function SignInPage({ expired }: { expired: boolean }) {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password);
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const retryAfter = isApiError(error) && error.status === 429 ? error.retryAfter : null;
  return (
    <div className="sign-in">
      <PageHeading title={t('signIn.title')} />
      {expired && !error && <p className="message message-info">{t('signIn.expired')}</p>}
      <form onSubmit={(e) => void submit(e)} className="stack" noValidate aria-label={t('signIn.title')}>
        <div className="field">
          <label htmlFor="sign-in-username">{t('signIn.username')}</label>
          <input id="sign-in-username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="sign-in-password">{t('signIn.password')}</label>
          <input id="sign-in-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {missing && (
          <p className="message message-error" role="alert">
            {t('signIn.missing')}
          </p>
        )}
        <ErrorMessage error={error} />
        {retryAfter !== null && <p className="muted">{t('signIn.retryAfter', { seconds: retryAfter })}</p>}
        <div>
          <button type="submit" disabled={busy}>
            {t('signIn.submit')}
          </button>
        </div>
        <StatusMessage>{busy ? t('signIn.signingIn') : ''}</StatusMessage>
      </form>
    </div>
  );
}
