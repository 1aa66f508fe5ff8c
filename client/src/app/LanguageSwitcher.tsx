import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, LANGUAGES, rememberLanguage, reflectLanguage, type Language } from '../i18n/index.ts';

/** The app's language; `onChange` also hears the choice (the signed-in app saves it for email). */
export function LanguageSwitcher({ onChange }: { onChange?(language: Language): void } = {}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="compact-field">
      <label htmlFor={id}>{t('common:language')}</label>
      <select
        id={id}
        value={i18n.resolvedLanguage ?? i18n.language}
        onChange={(event) => {
          const language = event.target.value;
          if (!isLanguage(language)) return;
          rememberLanguage(window.localStorage, language);
          void i18n.changeLanguage(language).then(() => reflectLanguage(document, language));
          onChange?.(language);
        }}
      >
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code} lang={language.code}>
            {language.name}
          </option>
        ))}
      </select>
    </div>
  );
}
