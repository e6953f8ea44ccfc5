import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from '../locales/en';
import { fr } from '../locales/fr';

export const LANGUAGES = ['en', 'fr'] as const;
const STORAGE_KEY = 'jokkaer.language';

/** The person's choice, else the browser's first supported language, else English. */
function initialLanguage(): string {
  const chosen = localStorage.getItem(STORAGE_KEY);
  if (chosen && (LANGUAGES as readonly string[]).includes(chosen)) return chosen;
  const preferred = navigator.languages.map((tag) => tag.slice(0, 2));
  return preferred.find((tag) => (LANGUAGES as readonly string[]).includes(tag)) ?? 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  // React escapes what it renders.
  interpolation: { escapeValue: false },
});

document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
  localStorage.setItem(STORAGE_KEY, language);
});

export default i18n;
