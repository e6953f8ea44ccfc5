import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyFailedNote } from '../../components/CopyFailedNote';
import { Dialog } from '../../components/Dialog';
import { useClipboard } from '../../lib/clipboard';

export interface Secret {
  label: string;
  value: string;
}

/**
 * Secrets the server shows once (a webhook's URL or signing secret, an app's client secret, a token): each
 * with a copy button, and a warning that closing the dialog drops them for good.
 */
export function SecretDialog({
  title,
  secrets,
  onClose,
}: {
  title: string;
  secrets: Secret[] | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog title={title} open={secrets !== null} onClose={onClose}>
      <div className="stack">
        <p>{t('admin.secret.once')}</p>
        {secrets?.map((secret) => (
          <SecretField key={secret.label} secret={secret} />
        ))}
        <div className="actions">
          <button type="button" className="button primary" onClick={onClose}>
            {t('admin.secret.done')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function SecretField({ secret }: { secret: Secret }) {
  const { t } = useTranslation();
  const { state, copy } = useClipboard();
  const input = useRef<HTMLInputElement>(null);
  const copied = state === 'copied';
  return (
    <div className="secret-field">
      <label>
        {secret.label}
        <input
          ref={input}
          readOnly
          value={secret.value}
          spellCheck={false}
          onFocus={(event) => event.target.select()}
        />
      </label>
      <button
        type="button"
        className="button"
        aria-label={t(copied ? 'admin.secret.copiedNamed' : 'admin.secret.copyNamed', { name: secret.label })}
        onClick={() => copy(secret.value)}
      >
        {copied ? t('admin.secret.copied') : t('admin.secret.copy')}
      </button>
      {state === 'failed' && <CopyFailedNote selects={input} />}
    </div>
  );
}
