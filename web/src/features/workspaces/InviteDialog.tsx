import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { api, data } from '../../lib/api/client';

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
  const [copied, setCopied] = useState(false);
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
  useEffect(() => {
    if (open) mutate();
    else reset();
  }, [open, mutate, reset]);
  const link = invite.data && new URL(`/invite/${invite.data.code}`, window.location.origin).href;
  const copy = async () => {
    if (!link) return;
    await navigator.clipboard.writeText(link);
    setCopied(true);
  };
  return (
    <Dialog title={t('workspaces.invite')} open={open} onClose={onClose}>
      <div className="stack">
        <p>{t('workspaces.inviteLink')}</p>
        {link && <input readOnly aria-label={t('workspaces.invite')} value={link} className="invite-link" />}
        <ErrorNote error={invite.error} />
        <div className="actions">
          <button type="button" className="button primary" disabled={!link} onClick={() => void copy()}>
            {copied ? t('workspaces.copied') : t('workspaces.copy')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
