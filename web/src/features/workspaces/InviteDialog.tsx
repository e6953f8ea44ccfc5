import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyFailedNote } from '../../components/CopyFailedNote';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { api, data } from '../../lib/api/client';
import { useClipboard } from '../../lib/clipboard';

const INVITE_HOURS = 7 * 24;

/** Makes an invite link for the workspace and offers to copy it. */
export function InviteDialog({
  workspaceId,
  open,
  onClose,
}: {
  workspaceId: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const clipboard = useClipboard();
  const input = useRef<HTMLInputElement>(null);
  const invite = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/v1/workspaces/{workspaceId}/invites', {
          params: { path: { workspaceId } },
          body: { expiresInHours: INVITE_HOURS },
        }),
      ),
  });
  const { mutate, reset } = invite;
  const resetCopy = clipboard.reset;
  useEffect(() => {
    if (open) mutate();
    else reset();
    resetCopy();
  }, [open, mutate, reset, resetCopy]);
  const link = invite.data && new URL(`/invite/${invite.data.code}`, window.location.origin).href;
  return (
    <Dialog title={t('workspaces.invite')} open={open} onClose={onClose}>
      <div className="stack">
        <p>{t('workspaces.inviteLink')}</p>
        {link && (
          <input
            ref={input}
            readOnly
            aria-label={t('workspaces.invite')}
            value={link}
            className="invite-link"
          />
        )}
        <ErrorNote error={invite.error} />
        <div className="actions">
          <button
            type="button"
            className="button primary"
            disabled={!link}
            onClick={() => link && clipboard.copy(link)}
          >
            {clipboard.state === 'copied' ? t('workspaces.copied') : t('workspaces.copy')}
          </button>
        </div>
        {clipboard.state === 'failed' && <CopyFailedNote selects={input} />}
      </div>
    </Dialog>
  );
}
