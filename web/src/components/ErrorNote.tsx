import { useTranslation } from 'react-i18next';

/** A failed request, said in words (the server's problem detail). */
export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const detail = error instanceof Error ? error.message : JSON.stringify(error);
  return (
    <p className="error" role="alert">
      {t('common.error', { detail })}
    </p>
  );
}
