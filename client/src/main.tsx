import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { AuthSession, browserCredentialStore } from './auth/session.ts';
import { createPlatformClient } from './graphql/client.ts';
import { createI18n, preferredLanguage, reflectLanguage } from './i18n/index.ts';
import './styles.css';

const language = preferredLanguage(window.localStorage, navigator.languages);
const i18n = await createI18n(language);
reflectLanguage(document, language);

const session = new AuthSession({
  endpoint: '/graphql',
  store: browserCredentialStore(),
  locks: 'locks' in navigator ? navigator.locks : undefined,
});
const client = createPlatformClient(session);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App i18n={i18n} session={session} client={client} />
  </StrictMode>,
);
