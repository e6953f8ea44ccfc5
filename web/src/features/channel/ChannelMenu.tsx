import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Dialog } from '../../components/Dialog';
import { CreateActions } from '../../components/CreateActions';
import { api, data, type Channel, type Member } from '../../lib/api/client';
import { channelKeys } from '../sidebar/api';
import { MuteButton } from '../unread/MuteButton';

type Confirming = 'leave' | 'archive' | null;

/**
 * The channel's options behind one "⋯" (the header stays readable on a phone): mute, leave, and archive (its
 * creator or a workspace admin, as the server allows). Leaving and archiving ask first, then go back to the
 * workspace; a DM is only muted, never left or archived.
 */
export function ChannelMenu({ channel, me }: { channel: Channel; me: Member | undefined }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const menu = useRef<HTMLDetailsElement>(null);
  const confirm = (what: Confirming) => {
    // The dialog lives outside the menu: a closed <details> hides what it holds.
    if (menu.current) menu.current.open = false;
    setConfirming(what);
  };
  const done = async () => {
    setConfirming(null);
    await client.invalidateQueries({ queryKey: channelKeys.list(channel.workspaceId) });
    void navigate(`/w/${channel.workspaceId}`);
  };
  const leave = useMutation({
    mutationFn: () =>
      data(api.POST('/api/v1/channels/{channelId}/leave', { params: { path: { channelId: channel.id } } })),
    onSuccess: done,
  });
  const archive = useMutation({
    mutationFn: () =>
      data(
        api.PATCH('/api/v1/channels/{channelId}', {
          params: { path: { channelId: channel.id } },
          body: { archived: true },
        }),
      ),
    onSuccess: done,
  });
  if (!channel.isMember) return null;
  const manages = channel.createdBy === me?.userId || me?.role === 'owner' || me?.role === 'admin';
  const action = confirming === 'archive' ? archive : leave;
  const close = () => {
    setConfirming(null);
    action.reset();
  };
  return (
    <>
      <details className="channel-menu" ref={menu}>
        <summary className="icon-button">
          <span aria-hidden="true">⋯</span>
          <span className="visually-hidden">{t('channelMenu.options')}</span>
        </summary>
        <div className="channel-menu-items">
          <MuteButton channel={channel} />
          {channel.kind !== 'dm' && (
            <button type="button" className="button small" onClick={() => confirm('leave')}>
              {t('channelMenu.leave')}
            </button>
          )}
          {channel.kind !== 'dm' && manages && (
            <button type="button" className="button small" onClick={() => confirm('archive')}>
              {t('channelMenu.archive')}
            </button>
          )}
        </div>
      </details>
      <Dialog
        title={t(confirming === 'archive' ? 'channelMenu.archiveTitle' : 'channelMenu.leaveTitle', {
          channel: channel.name,
        })}
        open={confirming !== null}
        onClose={close}
      >
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            action.mutate();
          }}
        >
          <p>
            {t(confirming === 'archive' ? 'channelMenu.archiveExplain' : 'channelMenu.leaveExplain', {
              channel: channel.name,
            })}
          </p>
          <CreateActions
            error={action.error}
            pending={action.isPending}
            onCancel={close}
            submitLabel={t(confirming === 'archive' ? 'channelMenu.archive' : 'channelMenu.leave')}
          />
        </form>
      </Dialog>
    </>
  );
}
