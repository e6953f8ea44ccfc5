import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../lib/api/client';
import { useClipboard } from '../../lib/clipboard';
import { messagePath } from './links';

/** How long "Copied" shows in place of "Copy link". */
const CONFIRMATION_MS = 2000;

/** Copies a link to the message, for pasting anywhere: opening it shows the message in its channel. */
export function CopyLinkButton({
  message,
  className = 'link-button',
}: {
  message: Message;
  className?: string;
}) {
  const { t } = useTranslation();
  const { state, copy, reset } = useClipboard();
  useEffect(() => {
    if (state !== 'copied') return;
    const timer = setTimeout(reset, CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [state, reset]);
  const href = new URL(messagePath(message), window.location.origin).href;
  // Refused by the browser: the link itself, selected, to copy by hand.
  if (state === 'failed')
    return (
      <input
        readOnly
        className="copy-fallback"
        aria-label={t('links.copy')}
        title={t('common.copyFailed')}
        value={href}
        ref={(input) => input?.select()}
      />
    );
  return (
    <button type="button" className={className} aria-live="polite" onClick={() => copy(href)}>
      {state === 'copied' ? t('links.copied') : t('links.copy')}
    </button>
  );
}
