import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** Any address the client has no screen for (a mistyped or outdated link): says so, and leads back. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <main className="auth-page">
      <div className="card auth-form">
        <h1>{t('notFound.title')}</h1>
        <p>{t('notFound.detail')}</p>
        <Link to="/" className="button primary">
          {t('notFound.home')}
        </Link>
      </div>
    </main>
  );
}
