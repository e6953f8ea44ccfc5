import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useParams, useSearchParams } from 'react-router';
import type { Channel, Member } from '../lib/api/client';
import { useSession } from '../lib/session';
import { ChannelView } from '../features/channel/ChannelView';
import { useChannels } from '../features/sidebar/api';
import { Sidebar, type SidebarDialog } from '../features/sidebar/Sidebar';
import { SEARCH_PARAM } from '../features/search/SearchBox';
import { SearchPanel } from '../features/search/SearchPanel';
import { ThreadPanel } from '../features/threads/ThreadPanel';
import { ChannelNavigation } from '../features/switcher/ChannelNavigation';
import { UnreadTitle } from '../features/unread/UnreadTitle';
import { useMembers, useWorkspaces } from '../features/workspaces/api';
import { ApiError } from '../lib/api/client';
import { DrawerButton } from '../components/Drawer';

/** "#general" for channels; the other people's names for direct conversations. */
function channelTitle(channel: Channel, members: Map<string, Member> | undefined, myId: string): string {
  if (channel.kind !== 'dm') return `# ${channel.name ?? ''}`;
  const others = (channel.memberIds ?? []).filter((id) => id !== myId);
  return (
    others.map((id) => members?.get(id)?.displayName ?? '…').join(', ') ||
    (members?.get(myId)?.displayName ?? '')
  );
}

/** One workspace: its sidebar, the open channel, and the open thread beside it. */
export function WorkspaceScreen() {
  const { t } = useTranslation();
  const { workspaceId = '', channelId, threadId, messageId } = useParams();
  const search = useSearchParams()[0].get(SEARCH_PARAM);
  const me = useSession()!.user;
  const workspaces = useWorkspaces();
  const channels = useChannels(workspaceId);
  const members = useMembers(workspaceId);
  const workspace = workspaces.data?.find((candidate) => candidate.id === workspaceId);
  const [dialog, setDialog] = useState<SidebarDialog>(null);
  // Unreachable server (offline): wait on the loading screen, under the reconnecting banner, rather than leave.
  const unreachable = [workspaces, channels].some(
    (query) => query.isError && !(query.error instanceof ApiError),
  );
  if (workspaces.isPending || channels.isPending || unreachable)
    return <p className="muted center">{t('app.loading')}</p>;
  if (!workspace || !channels.data) return <Navigate to="/" replace />;
  const titleOf = (channel: Channel) => channelTitle(channel, members.data, me.id);
  const open = channels.data.find((channel) => channel.id === channelId);
  const first = channels.data.find(
    (channel) => channel.isMember && channel.kind !== 'dm' && !channel.archived,
  );
  if (!channelId && first) return <Navigate to={`/w/${workspaceId}/c/${first.id}`} replace />;
  const channelHref = `/w/${workspaceId}/c/${channelId ?? ''}`;
  return (
    <>
      <UnreadTitle channels={channels.data} />
      <ChannelNavigation workspaceId={workspaceId} channels={channels.data} titleOf={titleOf} />
      <Sidebar
        workspace={workspace}
        channels={channels.data}
        members={members.data}
        myId={me.id}
        titleOf={titleOf}
        open={dialog}
        setOpen={setDialog}
      />
      <main className="main" id="main">
        {open ? (
          <ChannelView
            key={open.id}
            channel={open}
            title={titleOf(open)}
            members={members.data}
            myId={me.id}
            threadHref={(rootId) => `${channelHref}/t/${rootId}`}
            focusMessageId={messageId}
          />
        ) : (
          <div className="empty-state">
            <DrawerButton />
            <h1>{workspace.name}</h1>
            <p>{t('channels.empty')}</p>
            <div className="actions">
              <button type="button" className="button primary" onClick={() => setDialog('create')}>
                {t('channels.create')}
              </button>
              <button type="button" className="button" onClick={() => setDialog('browse')}>
                {t('channels.browse')}
              </button>
              <button type="button" className="button" onClick={() => setDialog('invite')}>
                {t('workspaces.invite')}
              </button>
            </div>
          </div>
        )}
      </main>
      {search && !threadId && (
        <SearchPanel
          workspaceId={workspaceId}
          query={search}
          members={members.data}
          channelTitle={(id) => {
            const channel = channels.data.find((candidate) => candidate.id === id);
            return channel ? titleOf(channel) : '';
          }}
          closeHref={channelId ? channelHref : `/w/${workspaceId}`}
        />
      )}
      {open && threadId && (
        <ThreadPanel
          workspaceId={open.workspaceId}
          channelId={open.id}
          threadId={threadId}
          members={members.data}
          myId={me.id}
          closeHref={channelHref}
          channelTitle={open.kind === 'dm' ? titleOf(open) : `#${open.name ?? ''}`}
        />
      )}
    </>
  );
}
