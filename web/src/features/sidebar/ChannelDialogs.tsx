import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CreateActions } from '../../components/CreateActions';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { api, data, type Channel, type Member } from '../../lib/api/client';
import { PresenceDot } from '../presence';
import { channelKeys } from './api';

interface DialogProps {
  workspaceId: string;
  open: boolean;
  onClose: () => void;
}

/** Opens a conversation and refreshes the sidebar that lists it. */
function useOpenChannel(workspaceId: string, onClose: () => void) {
  const client = useQueryClient();
  const navigate = useNavigate();
  return async (channelId: string) => {
    await client.invalidateQueries({ queryKey: channelKeys.list(workspaceId) });
    onClose();
    void navigate(`/w/${workspaceId}/c/${channelId}`);
  };
}

export function CreateChannelDialog({ workspaceId, open, onClose }: DialogProps) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const openChannel = useOpenChannel(workspaceId, onClose);
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/v1/workspaces/{workspaceId}/channels', {
          params: { path: { workspaceId } },
          body: { name, topic, kind: isPrivate ? 'private' : 'public' },
        }),
      ),
    onSuccess: (channel) => openChannel(channel.id),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title={t('channels.create')} open={open} onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <label>
          {t('channels.name')}
          <input
            name="name"
            required
            pattern="[a-z0-9_\-]{1,80}"
            aria-describedby="channel-name-hint"
            value={name}
            onChange={(event) => setName(event.target.value.toLowerCase().replace(/\s/g, '-'))}
          />
        </label>
        <p id="channel-name-hint" className="muted">
          {t('channels.nameHint')}
        </p>
        <label>
          {t('channels.topic')}
          <input
            name="topic"
            maxLength={250}
            value={topic}
            onChange={(event) => setTopic(event.target.value)}
          />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={isPrivate} onChange={(event) => setPrivate(event.target.checked)} />
          {t('channels.private')}
        </label>
        <CreateActions error={create.error} pending={create.isPending} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

export function BrowseChannelsDialog({
  workspaceId,
  open,
  onClose,
  channels,
}: DialogProps & { channels: Channel[] }) {
  const { t } = useTranslation();
  const openChannel = useOpenChannel(workspaceId, onClose);
  const join = useMutation({
    mutationFn: (channelId: string) =>
      data(api.POST('/api/v1/channels/{channelId}/join', { params: { path: { channelId } } })),
    onSuccess: (_answer, channelId) => openChannel(channelId),
  });
  const joinable = channels.filter(
    (channel) => channel.kind === 'public' && !channel.isMember && !channel.archived,
  );
  return (
    <Dialog title={t('channels.browse')} open={open} onClose={onClose}>
      {joinable.length === 0 ? (
        <p>{t('channels.noneToJoin')}</p>
      ) : (
        <ul className="pick-list">
          {joinable.map((channel) => (
            <li key={channel.id}>
              <span># {channel.name}</span>
              <button
                type="button"
                className="button"
                aria-label={`${t('channels.join')} #${channel.name ?? ''}`}
                disabled={join.isPending}
                onClick={() => join.mutate(channel.id)}
              >
                {t('channels.join')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={join.error} />
    </Dialog>
  );
}

export function NewDmDialog({
  workspaceId,
  open,
  onClose,
  members,
  myId,
}: DialogProps & { members: Member[]; myId: string }) {
  const { t } = useTranslation();
  const openChannel = useOpenChannel(workspaceId, onClose);
  const start = useMutation({
    mutationFn: (userId: string) =>
      data(
        api.POST('/api/v1/workspaces/{workspaceId}/dms', {
          params: { path: { workspaceId } },
          body: { userIds: [userId] },
        }),
      ),
    onSuccess: (dm) => openChannel(dm.id),
  });
  const others = members.filter((member) => member.userId !== myId);
  return (
    <Dialog title={t('channels.newDm')} open={open} onClose={onClose}>
      {others.length === 0 ? (
        <p>{t('channels.noOneElse')}</p>
      ) : (
        <ul className="pick-list">
          {others.map((member) => (
            <li key={member.userId}>
              <PresenceDot userId={member.userId} />
              <button
                type="button"
                className="link-button"
                disabled={start.isPending}
                onClick={() => start.mutate(member.userId)}
              >
                {t('channels.dmWith', { name: member.displayName })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={start.error} />
    </Dialog>
  );
}
