import { useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { usePasswordResetRequest } from './api';

/** "Forgot your password?": asks the server to email a reset link (it answers alike for unknown addresses). */
export function ForgotPassword({ initialEmail }: { initialEmail: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const request = usePasswordResetRequest();
  const show = () => {
    setEmail(initialEmail);
    request.reset();
    setOpen(true);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate(email);
  };
  return (
    <>
      <button type="button" className="link-button" onClick={show}>
        {t('signin.forgot')}
      </button>
      {/* Portalled: the sign-in form holds the link, and forms may not nest. */}
      {createPortal(
        <Dialog title={t('signin.resetTitle')} open={open} onClose={() => setOpen(false)}>
          {request.isSuccess ? (
            <p role="status">{t('signin.resetSent', { email })}</p>
          ) : (
            <form className="stack" onSubmit={onSubmit}>
              <p className="muted">{t('signin.resetHint')}</p>
              <label>
                {t('auth.email')}
                <input
                  type="email"
                  autoComplete="email"
                  required
                  value={email}
                  onChange={(event) => setEmail(event.target.value)}
                />
              </label>
              <ErrorNote error={request.error} />
              <div className="actions">
                <button type="submit" className="button primary" disabled={request.isPending}>
                  {t('signin.resetSend')}
                </button>
              </div>
            </form>
          )}
        </Dialog>,
        document.body,
      )}
    </>
  );
}
