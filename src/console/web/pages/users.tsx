import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { get, patch, post } from '../api.ts';
import type { ManagedUser } from '../api-types.ts';
import { STAFF_ROLES, type StaffRole } from '../access.ts';
import { LOCALE_NAMES, LOCALES, isLocale, useI18n, type Locale } from '../i18n/index.tsx';
import { useUser } from '../session.tsx';
import { ErrorMessage, Loading, StatusMessage } from '../components/messages.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { roleName } from '../components/names.ts';
import { useLoad } from '../components/use-load.ts';

// Staff accounts (admins): who may do what, new accounts, role changes, disabling, password resets.
// The service refuses weak passwords and removing the last admin, in its own words.

function RoleBoxes({ roles, onChange, legend }: { roles: StaffRole[]; onChange(roles: StaffRole[]): void; legend: string }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <fieldset className="role-boxes">
      <legend>{legend}</legend>
      {STAFF_ROLES.map((r) => (
        <div key={r} className="checkbox">
          <input
            id={`${id}-${r}`}
            type="checkbox"
            checked={roles.includes(r)}
            onChange={(e) => onChange(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
            aria-describedby={`${id}-${r}-help`}
          />
          <label htmlFor={`${id}-${r}`}>{roleName(r, t)}</label>
          <span className="muted small" id={`${id}-${r}-help`}>
            — {t(`role.${r}.help`)}
          </span>
        </div>
      ))}
    </fieldset>
  );
}

function LocaleSelect({ value, onChange, id }: { value: Locale; onChange(l: Locale): void; id: string }) {
  return (
    <select id={id} value={value} onChange={(e) => isLocale(e.target.value) && onChange(e.target.value)}>
      {LOCALES.map((l) => (
        <option key={l} value={l} lang={l}>
          {LOCALE_NAMES[l]}
        </option>
      ))}
    </select>
  );
}

function CreateUser({ onCreated }: { onCreated(message: string): void }) {
  const { t } = useI18n();
  const id = useId();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<StaffRole[]>(['editor']);
  const [locale, setLocale] = useState<Locale>('en');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await post<ManagedUser>('/v1/staff/users', { username: username.trim(), displayName: displayName.trim(), password, roles, locale });
      setUsername('');
      setDisplayName('');
      setPassword('');
      onCreated(t('users.created', { username: created.username }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{t('users.create')}</h2>
      <form onSubmit={(e) => void submit(e)} className="form-grid" aria-labelledby={`${id}-title`}>
        <div className="field">
          <label htmlFor={`${id}-username`}>{t('users.username')}</label>
          <input id={`${id}-username`} autoComplete="off" required maxLength={63} value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('users.displayName')}</label>
          <input id={`${id}-name`} autoComplete="off" required maxLength={200} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('users.password')}</label>
          <input id={`${id}-password`} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={`${id}-password-hint`} />
          <p className="hint" id={`${id}-password-hint`}>
            {t('users.passwordHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-locale`}>{t('users.locale')}</label>
          <LocaleSelect id={`${id}-locale`} value={locale} onChange={setLocale} />
        </div>
        <RoleBoxes roles={roles} onChange={setRoles} legend={t('users.roles')} />
        <ErrorMessage error={error} />
        <div>
          <button type="submit" disabled={busy}>
            {t('users.createButton')}
          </button>
        </div>
      </form>
    </section>
  );
}

function EditUser({ account, onDone, onCancel }: { account: ManagedUser; onDone(message: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const id = useId();
  const [displayName, setDisplayName] = useState(account.displayName);
  const [roles, setRoles] = useState<StaffRole[]>(account.roles);
  const [locale, setLocale] = useState<Locale>(isLocale(account.locale) ? account.locale : 'en');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const send = async (body: Record<string, unknown>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await patch<ManagedUser>(`/v1/staff/users/${account.id}`, body);
      onDone(message);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    if (displayName.trim() !== account.displayName) body.displayName = displayName.trim();
    if ([...roles].sort().join() !== [...account.roles].sort().join()) body.roles = roles;
    if (locale !== account.locale) body.locale = locale;
    if (password) body.password = password;
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    void send(body, t('users.saved', { username: account.username }));
  };

  return (
    <form onSubmit={save} className="edit-user form-grid" aria-label={t('users.editLabel', { username: account.username })}>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('users.displayName')}</label>
        <input id={`${id}-name`} required maxLength={200} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-locale`}>{t('users.locale')}</label>
        <LocaleSelect id={`${id}-locale`} value={locale} onChange={setLocale} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('users.newPassword')}</label>
        <input id={`${id}-password`} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={`${id}-password-hint`} />
        <p className="hint" id={`${id}-password-hint`}>
          {t('users.newPasswordHint')}
        </p>
      </div>
      <RoleBoxes roles={roles} onChange={setRoles} legend={t('users.roles')} />
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('users.save')}
        </button>
        <button type="button" className="button-secondary" onClick={() => void send({ disabled: !account.disabled }, account.disabled ? t('users.enabledMessage', { username: account.username }) : t('users.disabledMessage', { username: account.username }))} disabled={busy}>
          {account.disabled ? t('users.enable') : t('users.disable')}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The edit form opens below the list; its heading takes focus so keyboard users land in it. */
function EditPanel({ account, onDone, onCancel }: { account: ManagedUser; onDone(message: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const title = t('users.editLabel', { username: account.username });
  return (
    <section className="card" aria-label={title}>
      <h2 ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <EditUser account={account} onDone={onDone} onCancel={onCancel} />
    </section>
  );
}

export function UsersPage() {
  const { t, fmt } = useI18n();
  const me = useUser();
  const users = useLoad((signal) => get<{ users?: ManagedUser[]; items?: ManagedUser[] }>('/v1/staff/users', signal).then((r) => r.users ?? r.items ?? []), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const done = (message: string) => {
    setEditing(null);
    setStatus(message);
    users.reload();
  };
  return (
    <>
      <PageHeading title={t('users.title')} />
      <StatusMessage>{status}</StatusMessage>
      <ErrorMessage error={users.error} />
      {users.loading && !users.data && <Loading />}
      {users.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('users.list')}>
          <table>
            <caption className="visually-hidden">{t('users.list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.username')}</th>
                <th scope="col">{t('users.displayName')}</th>
                <th scope="col">{t('users.roles')}</th>
                <th scope="col">{t('users.locale')}</th>
                <th scope="col">{t('users.state')}</th>
                <th scope="col">{t('users.createdAt')}</th>
                <th scope="col">{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <th scope="row">
                    {u.username}
                    {u.username === me.username && <span className="muted small"> ({t('users.you')})</span>}
                  </th>
                  <td>{u.displayName}</td>
                  <td>{u.roles.map((r) => roleName(r, t)).join(', ')}</td>
                  <td>{isLocale(u.locale) ? LOCALE_NAMES[u.locale] : u.locale}</td>
                  <td>{u.disabled ? <span className="badge badge-rejected">{t('users.disabled')}</span> : t('users.active')}</td>
                  <td className="nowrap">{u.createdAt ? fmt.date(u.createdAt) : '—'}</td>
                  <td>
                    <button type="button" className="button-small" aria-expanded={editing === u.id} onClick={() => setEditing(editing === u.id ? null : u.id)} aria-label={t('users.editLabel', { username: u.username })}>
                      {t('users.edit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && users.data?.some((u) => u.id === editing) && <EditPanel key={editing} account={users.data.find((u) => u.id === editing)!} onDone={done} onCancel={() => setEditing(null)} />}
      <CreateUser onCreated={done} />
    </>
  );
}
