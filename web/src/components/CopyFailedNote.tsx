import { useEffect, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';

/** The clipboard refused (useClipboard's `failed`): says so, and selects the text to be copied by hand. */
export function CopyFailedNote({ selects }: { selects?: RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation();
  useEffect(() => {
    selects?.current?.focus();
    selects?.current?.select();
  }, [selects]);
  return (
    <p className="failed-note" role="alert">
      {t('common.copyFailed')}
    </p>
  );
}
