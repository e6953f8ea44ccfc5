import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../lib/api/client';
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
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    await navigator.clipboard.writeText(new URL(messagePath(message), window.location.origin).href);
    setCopied(true);
  };
  return (
    <button type="button" className={className} aria-live="polite" onClick={() => void copy()}>
      {copied ? t('links.copied') : t('links.copy')}
    </button>
  );
}
