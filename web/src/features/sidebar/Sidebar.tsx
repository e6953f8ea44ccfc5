import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { api, type Channel, type Member, type Workspace } from '../../lib/api/client';
import { dropPushSubscription } from '../notifications/push';
import { session } from '../../lib/session';
import { mayAdminister } from '../admin/roles';
import { PresenceDot } from '../presence';
import { ProfileButton } from '../settings/ProfileButton';
import { InviteDialog } from '../workspaces/InviteDialog';
import { NotificationPrompt } from '../notifications/NotificationPrompt';
import { ChannelLinkLabel } from '../unread/ChannelLinkLabel';
import { sidebarSections } from './sections';
import { BrowseChannelsDialog, CreateChannelDialog, NewDmDialog } from './ChannelDialogs';

interface SidebarProps {
  workspace: Workspace;
  channels: Channel[];
  members: Map<string, Member> | undefined;
  myId: string;
  titleOf: (channel: Channel) => string;
  /** The sidebar's dialog that is open: the workspace screen's empty state opens them too. */
  open: SidebarDialog;
  setOpen: (dialog: SidebarDialog) => void;
}

export type SidebarDialog = 'create' | 'browse' | 'dm' | 'invite' | null;

/** The workspace's sidebar: its channels and direct messages, and what to do next. */
export function Sidebar({ workspace, channels, members, myId, titleOf, open, setOpen }: SidebarProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const close = () => setOpen(null);
  const signOut = useMutation({
    mutationFn: async () => {
      await dropPushSubscription().catch(() => undefined); // signing out goes on regardless
      return api.POST('/api/v1/auth/logout');
    },
    onSettled: () => {
      session.clear();
      client.clear();
    },
  });
  const { rooms, direct } = sidebarSections(channels);
  /** The other person of a one-to-one conversation, whose status the link shows. */
  const partnerOf = (channel: Channel) => {
    const others = (channel.memberIds ?? []).filter((id) => id !== myId);
    return channel.kind === 'dm' && others.length === 1 ? others[0] : undefined;
  };
  const link = (channel: Channel) => {
    const partner = partnerOf(channel);
    return (
      <li key={channel.id}>
        <NavLink to={`/w/${workspace.id}/c/${channel.id}`} className="sidebar-link">
          {partner && <PresenceDot userId={partner} />}
          <ChannelLinkLabel channel={channel} title={titleOf(channel)} />
        </NavLink>
      </li>
    );
  };
  return (
    <nav className="sidebar" aria-label={workspace.name}>
      <header className="sidebar-header">
        <h2>{workspace.name}</h2>
        {mayAdminister(workspace.role) && (
          <Link to={`/w/${workspace.id}/admin`} className="button small">
            {t('admin.open')}
          </Link>
        )}
        <button type="button" className="button small" onClick={() => setOpen('invite')}>
          {t('workspaces.invite')}
        </button>
      </header>
      <section aria-labelledby="channels-heading">
        <h3 id="channels-heading">{t('channels.section')}</h3>
        <ul>{rooms.map(link)}</ul>
        <button type="button" className="sidebar-action" onClick={() => setOpen('create')}>
          + {t('channels.create')}
        </button>
        <button type="button" className="sidebar-action" onClick={() => setOpen('browse')}>
          {t('channels.browse')}
        </button>
      </section>
      <section aria-labelledby="dms-heading">
        <h3 id="dms-heading">{t('channels.directSection')}</h3>
        <ul>{direct.map(link)}</ul>
        <button type="button" className="sidebar-action" onClick={() => setOpen('dm')}>
          + {t('channels.newDm')}
        </button>
      </section>
      <NotificationPrompt />
      <footer className="sidebar-footer">
        <PresenceDot userId={myId} />
        <ProfileButton />
        <button type="button" className="button small" onClick={() => signOut.mutate()}>
          {t('auth.signOut')}
        </button>
      </footer>
      <CreateChannelDialog workspaceId={workspace.id} open={open === 'create'} onClose={close} />
      <BrowseChannelsDialog
        workspaceId={workspace.id}
        open={open === 'browse'}
        onClose={close}
        channels={channels}
      />
      <NewDmDialog
        workspaceId={workspace.id}
        open={open === 'dm'}
        onClose={close}
        members={[...(members?.values() ?? [])]}
        myId={myId}
      />
      <InviteDialog workspaceId={workspace.id} open={open === 'invite'} onClose={close} />
    </nav>
  );
}
