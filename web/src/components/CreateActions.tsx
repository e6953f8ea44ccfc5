import { useTranslation } from 'react-i18next';
import { ErrorNote } from './ErrorNote';

/** The foot of a form in a dialog: what went wrong, Cancel, and its action (Create unless named; off while it runs). */
export function CreateActions({
  error,
  pending,
  onCancel,
  submitLabel,
}: {
  error: unknown;
  pending: boolean;
  onCancel: () => void;
  submitLabel?: string;
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
          {submitLabel ?? t('common.create')}
        </button>
      </div>
    </>
  );
}
