import { lazy, Suspense, useEffect, type MouseEvent, type ReactNode } from 'react';
import { can, type Capability } from './access.ts';
import type { Channel } from './api-types.ts';
import { LOCALE_NAMES, LOCALES, isLocale, useI18n, type PlainKey } from './i18n/index.tsx';
import { Link, navigate, segments, useLocation } from './router.tsx';
import { returnPath, signInPathFor, useSession, useUser } from './session.tsx';
import { Loading } from './components/messages.tsx';
import { PageHeading } from './components/page-heading.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { TemplatesPage } from './pages/templates-list.tsx';
import { CasesPage } from './pages/cases.tsx';
import { CasePage } from './pages/case.tsx';
import { AuditPage } from './pages/audit.tsx';
import { OperationsPage } from './pages/operations.tsx';
import { UsersPage } from './pages/users.tsx';
import { StaffAuditPage } from './pages/staff-audit.tsx';

// The pages with code editors bring CodeMirror (and its HTML, CSS and JavaScript grammars): loaded
// when first opened, so signing in and reading cases stays light.
const TemplateEditorPage = lazy(() => import('./pages/template-editor.tsx').then((m) => ({ default: m.TemplateEditorPage })));
const PolicyPage = lazy(() => import('./pages/policy.tsx').then((m) => ({ default: m.PolicyPage })));

// The shell: a skip link, the header with navigation (only what the roles allow), the current user,
// the language switcher and sign-out; the page of the current path in <main>.

type Route =
  | { name: 'home' }
  | { name: 'sign-in' }
  | { name: 'templates' }
  | { name: 'template-editor'; template: string; channel: Channel }
  | { name: 'cases' }
  | { name: 'case'; caseId: string }
  | { name: 'audit' }
  | { name: 'policy' }
  | { name: 'operations' }
  | { name: 'users' }
  | { name: 'staff-audit' }
  | { name: 'not-found' };

const CHANNELS: readonly string[] = ['sms', 'email', 'whatsapp', 'letter'];

function parse(path: string): Route {
  const [first, second, third, ...rest] = segments(path);
  if (first === undefined) return { name: 'home' };
  if (rest.length) return { name: 'not-found' };
  switch (first) {
    case 'sign-in':
      return second === undefined ? { name: 'sign-in' } : { name: 'not-found' };
    case 'templates':
      if (second === undefined) return { name: 'templates' };
      return third !== undefined && CHANNELS.includes(third) ? { name: 'template-editor', template: second, channel: third as Channel } : { name: 'not-found' };
    case 'cases':
      if (third !== undefined) return { name: 'not-found' };
      return second === undefined ? { name: 'cases' } : { name: 'case', caseId: second };
    case 'audit':
    case 'policy':
    case 'operations':
    case 'users':
    case 'staff-audit':
      return second === undefined ? { name: first } : { name: 'not-found' };
    default:
      return { name: 'not-found' };
  }
}

const NAV: ReadonlyArray<{ to: string; label: PlainKey; capability: Capability; section: Route['name'][] }> = [
  { to: '/templates', label: 'nav.templates', capability: 'templates', section: ['templates', 'template-editor'] },
  { to: '/cases', label: 'nav.cases', capability: 'cases', section: ['cases', 'case'] },
  { to: '/audit', label: 'nav.audit', capability: 'audit', section: ['audit'] },
  { to: '/policy', label: 'nav.policy', capability: 'policy', section: ['policy'] },
  { to: '/operations', label: 'nav.operations', capability: 'operations', section: ['operations'] },
  { to: '/users', label: 'nav.users', capability: 'users', section: ['users'] },
  { to: '/staff-audit', label: 'nav.staffAudit', capability: 'staffAudit', section: ['staff-audit'] },
];

const REQUIRES: Partial<Record<Route['name'], Capability>> = {
  templates: 'templates',
  'template-editor': 'templates',
  cases: 'cases',
  case: 'cases',
  audit: 'audit',
  policy: 'policy',
  operations: 'operations',
  users: 'users',
  'staff-audit': 'staffAudit',
};

function focusMain(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

function Shell({ route, children }: { route: Route; children: ReactNode }) {
  const { t, locale, setLocale } = useI18n();
  const { signOut } = useSession();
  const user = useUser();
  return (
    <>
      <a className="skip-link" href="#main" onClick={focusMain}>
        {t('app.skipToMain')}
      </a>
      <header className="app-header">
        <div className="app-header-inner">
          <Link to="/templates" className="brand">
            {t('app.name')}
          </Link>
          <nav aria-label={t('nav.label')} className="main-nav">
            <ul>
              {NAV.filter((item) => can(user, item.capability)).map((item) => (
                <li key={item.to}>
                  <Link to={item.to} aria-current={item.section.includes(route.name) ? 'page' : undefined}>
                    {t(item.label)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="user-bar">
            <span className="user-name">
              {t('app.signedInAs', { name: user.displayName })} <span className="muted">({user.roles.map((r) => t(`role.${r}`)).join(', ')})</span>
            </span>
            <label className="inline-label">
              {t('app.language')}
              <select value={locale} onChange={(e) => isLocale(e.target.value) && setLocale(e.target.value)}>
                {LOCALES.map((l) => (
                  <option key={l} value={l} lang={l}>
                    {LOCALE_NAMES[l]}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="button-secondary" onClick={() => void signOut()}>
              {t('app.signOut')}
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>{children}</Suspense>
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  const { t } = useI18n();
  const user = useUser();
  const needs = REQUIRES[route.name];
  if (needs && !can(user, needs)) {
    return (
      <>
        <PageHeading title={t('access.deniedTitle')} />
        <p>{t('access.denied')}</p>
      </>
    );
  }
  switch (route.name) {
    case 'templates':
      return <TemplatesPage />;
    case 'template-editor':
      return <TemplateEditorPage template={route.template} channel={route.channel} />;
    case 'cases':
      return <CasesPage />;
    case 'case':
      return <CasePage caseId={route.caseId} />;
    case 'audit':
      return <AuditPage />;
    case 'policy':
      return <PolicyPage />;
    case 'operations':
      return <OperationsPage />;
    case 'users':
      return <UsersPage />;
    case 'staff-audit':
      return <StaffAuditPage />;
    default:
      return (
        <>
          <PageHeading title={t('notFound.title')} />
          <p>{t('notFound.text')}</p>
          <p>
            <Link to="/templates">{t('notFound.back')}</Link>
          </p>
        </>
      );
  }
}

export function App() {
  const { t } = useI18n();
  const { state } = useSession();
  const { path, search } = useLocation();
  const route = parse(path);

  useEffect(() => {
    if (state.status === 'signed-out' && route.name !== 'sign-in') navigate(signInPathFor(), { replace: true });
    if (state.status === 'signed-in' && (route.name === 'sign-in' || route.name === 'home')) navigate(returnPath(search), { replace: true });
  }, [state.status, route.name, search]);

  if (state.status === 'loading') {
    return (
      <main id="main" tabIndex={-1} className="centered">
        <Loading />
      </main>
    );
  }
  if (state.status === 'signed-out') {
    return (
      <>
        <header className="app-header">
          <div className="app-header-inner">
            <span className="brand">{t('app.name')}</span>
          </div>
        </header>
        <main id="main" tabIndex={-1} className="centered">
          <SignInPage expired={state.reason === 'expired'} />
        </main>
      </>
    );
  }
  return (
    <Shell route={route}>
      <Page route={route} />
    </Shell>
  );
}
