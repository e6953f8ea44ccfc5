import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { DrawerButton } from '../../components/Drawer';
import { ErrorNote } from '../../components/ErrorNote';
import type { Channel, Member } from '../../lib/api/client';
import { isCommand, useCommands, useRunCommand } from '../commands/api';
import { EphemeralAnswers } from '../commands/EphemeralAnswers';
import { Composer } from '../composer/Composer';
import { CallButton } from '../calls';
import { AttachButton, AttachmentTray } from '../files/AttachmentTray';
import { useFileDrop } from '../files/useFileDrop';
import { useUploads } from '../files/useUploads';
import { SearchBox } from '../search/SearchBox';
import { draftKey } from '../composer/drafts';
import { TypingIndicator, useTypingNotifier } from '../presence';
import { useMarkRead, useUnreadMarkerOnOpen } from '../unread/hooks';
import { useHistory, useHistoryAround, useOutbox, useSend } from './api';
import { EditingProvider } from './editing';
import { ChannelMenu } from './ChannelMenu';
import { MessageList } from './MessageList';
import { firstUnreadKey, historyRows } from './rows';
import { useEditLast } from './useEditLast';

/** How long a message opened by link stays marked. */
const HIGHLIGHT_MS = 4000;

interface ChannelViewProps {
  channel: Channel;
  title: string;
  members: Map<string, Member> | undefined;
  myId: string;
  threadHref: (messageId: string) => string;
  /** Opened by a link to this message: the history is shown around it, newer pages load below. */
  focusMessageId?: string;
}

/** Whether `key` was set less than HIGHLIGHT_MS ago. */
function useMoment(key: string | undefined): boolean {
  const [over, setOver] = useState<string>();
  useEffect(() => {
    if (!key) return;
    const timer = setTimeout(() => setOver(key), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [key]);
  return key !== undefined && over !== key;
}

/** The newest history, or the history around a message opened by link; both page by cursor. */
function useChannelHistory(channelId: string, focusMessageId: string | undefined) {
  const latest = useHistory(channelId, focusMessageId === undefined);
  const around = useHistoryAround(channelId, focusMessageId);
  const history = focusMessageId ? around : latest;
  return {
    history,
    loadOlder: () => {
      if (history.hasNextPage && !history.isFetchingNextPage) void history.fetchNextPage();
    },
    loadNewer: () => {
      if (around.hasPreviousPage && !around.isFetchingPreviousPage) void around.fetchPreviousPage();
    },
    loadingNewer: focusMessageId !== undefined && around.isFetchingPreviousPage,
  };
}

/** A channel: its header, its history and the composer; files dropped anywhere on it are attached. */
export function ChannelView({ channel, title, members, myId, threadHref, focusMessageId }: ChannelViewProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { history, loadOlder, loadNewer, loadingNewer } = useChannelHistory(channel.id, focusMessageId);
  const outbox = useOutbox(channel.id, null);
  const { send, retry } = useSend(channel.id, null);
  const uploads = useUploads(channel.workspaceId, channel.id);
  const drop = useFileDrop(uploads.add);
  const highlighted = useMoment(focusMessageId);
  const { rows, firstItemIndex } = historyRows(history.data, outbox);
  const [atBottom, setAtBottom] = useState(true);
  const newest = rows.findLast((row) => row.kind === 'message');
  useMarkRead(channel, newest?.key, atBottom);
  const unreadKey = firstUnreadKey(rows, myId, useUnreadMarkerOnOpen(channel));
  const { editingId, setEditingId, editLast, composer } = useEditLast(rows, myId);
  const people = members ? [...members.values()] : [];
  const notifyTyping = useTypingNotifier(channel.id);
  const commands = useCommands(channel.workspaceId);
  const runCommand = useRunCommand(channel.workspaceId, channel.id, null);
  const onSend = (text: string) => {
    // A command goes to whoever answers it; files being attached wait for the next message.
    if (isCommand(text)) return void runCommand(text);
    // What is sent shows at the bottom of the newest history: leave the place a link opened.
    if (focusMessageId) void navigate(`/w/${channel.workspaceId}/c/${channel.id}`);
    send(text, uploads.ready);
    uploads.clear();
  };
  return (
    <EditingProvider editingId={editingId} setEditingId={setEditingId}>
      <section className="channel" aria-labelledby="channel-title" {...drop.handlers}>
        <header className="channel-header">
          <DrawerButton />
          <h1 id="channel-title">{title}</h1>
          {channel.topic && <p className="topic muted">{channel.topic}</p>}
          <ChannelMenu channel={channel} me={members?.get(myId)} />
          <SearchBox />
          <CallButton channel={channel} />
        </header>
        {history.isPending ? (
          <p className="muted center">{t('app.loading')}</p>
        ) : history.isError ? (
          <div className="center">
            <ErrorNote error={history.error} />
          </div>
        ) : rows.length === 0 ? (
          <p className="empty-state">{t('messages.emptyChannel', { channel: title })}</p>
        ) : (
          <MessageList
            key={`${channel.id}/${focusMessageId ?? ''}`}
            label={t('messages.list', { channel: title })}
            rows={rows}
            members={members}
            myId={myId}
            firstItemIndex={firstItemIndex}
            onStartReached={loadOlder}
            loadingOlder={history.isFetchingNextPage}
            onEndReached={focusMessageId ? loadNewer : undefined}
            loadingNewer={loadingNewer}
            focus={focusMessageId ? { messageId: focusMessageId, highlighted } : undefined}
            threadHref={threadHref}
            onRetry={(message) => void retry(message)}
            unreadKey={unreadKey}
            onAtBottomChange={setAtBottom}
          />
        )}
        {drop.dragging && (
          <div className="drop-overlay" aria-hidden="true">
            {t('files.drop')}
          </div>
        )}
        <EphemeralAnswers
          workspaceId={channel.workspaceId}
          channelId={channel.id}
          threadId={null}
          members={members}
        />
        <TypingIndicator channelId={channel.id} members={members} myId={myId} />
        <Composer
          key={channel.id}
          ref={composer}
          label={t('composer.label', { channel: title })}
          onSend={onSend}
          draftKey={draftKey(channel.id, null)}
          people={people}
          commands={commands}
          onEditLast={editLast}
          onTyping={notifyTyping}
          attachments={{
            tray: <AttachmentTray uploads={uploads} />,
            picker: <AttachButton uploads={uploads} />,
            count: uploads.ready.length,
            busy: uploads.busy,
            onPasteFiles: uploads.add,
          }}
        />
      </section>
    </EditingProvider>
  );
}
