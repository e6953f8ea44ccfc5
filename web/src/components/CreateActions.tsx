import { useTranslation } from 'react-i18next';
import { ErrorNote } from './ErrorNote';

/** The foot of a "create" form in a dialog: what went wrong, Cancel, and Create (off while it runs). */
export function CreateActions({
  error,
  pending,
  onCancel,
}: {
  error: unknown;
  pending: boolean;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button primary" disabled={pending}>
          {t('common.create')}
        </button>
      </div>
    </>
  );
}
