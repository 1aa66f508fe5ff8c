/**
 * Every string the app shows comes through i18next. Each feature owns a namespace, one JSON file per
 * language under `locales/<language>/<namespace>.json`; a test keeps the languages complete.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];
export const DEFAULT_LANGUAGE: Language = 'en';

const LANGUAGE_KEY = 'platform.language';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Every locale file, bundled: `{ en: { common: {...}, auth: {...} }, de: {...} }`. */
export function bundledResources(): Resources {
  const files = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', { eager: true, import: 'default' });
  const resources: Resources = {};
  for (const [path, content] of Object.entries(files)) {
    const [, language, namespace] = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path) ?? [];
    if (!language || !namespace) continue;
    (resources[language] ??= {})[namespace] = content;
  }
  return resources;
}

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language.code === value);
}

/** The remembered choice, else the browser's first supported language, else English. */
export function preferredLanguage(storage: Pick<Storage, 'getItem'> | null, navigatorLanguages: readonly string[]): Language {
  const remembered = storage?.getItem(LANGUAGE_KEY);
  if (isLanguage(remembered)) return remembered;
  for (const tag of navigatorLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

export function rememberLanguage(storage: Pick<Storage, 'setItem'> | null, language: Language): void {
  try {
    storage?.setItem(LANGUAGE_KEY, language);
  } catch {
    // Private browsing may refuse storage; the choice then lasts for this visit.
  }
}

export async function createI18n(language: Language, resources: Resources = bundledResources()): Promise<I18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: LANGUAGES.map((entry) => entry.code),
    resources,
    ns: Object.keys(resources[DEFAULT_LANGUAGE] ?? {}),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/** Keeps `<html lang>` true to the language shown, for screen readers and hyphenation. */
export function reflectLanguage(document: Document, language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = 'ltr';
}
