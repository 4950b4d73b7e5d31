import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { I18nProvider } from './i18n/index.tsx';
import { SessionProvider } from './session.tsx';
import './styles/base.css';
import './styles/shell.css';
import './styles/editor.css';
import './styles/case.css';
import './styles/policy.css';
import './styles/narrow.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </I18nProvider>
    </StrictMode>,
  );
}
