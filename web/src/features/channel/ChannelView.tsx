import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel, Member } from '../../lib/api/client';
import { Composer } from '../composer/Composer';
import { draftKey } from '../composer/drafts';
import { TypingIndicator, useTypingNotifier } from '../presence';
import { useMarkRead, useUnreadMarkerOnOpen } from '../unread/hooks';
import { MuteButton } from '../unread/MuteButton';
import { useHistory, useOutbox, useSend } from './api';
import { EditingProvider } from './editing';
import { MessageList } from './MessageList';
import { firstUnreadKey, historyRows } from './rows';
import { useEditLast } from './useEditLast';

interface ChannelViewProps {
  channel: Channel;
  title: string;
  members: Map<string, Member> | undefined;
  myId: string;
  threadHref: (messageId: string) => string;
}

/** A channel: its header, its history and the composer. */
export function ChannelView({ channel, title, members, myId, threadHref }: ChannelViewProps) {
  const { t } = useTranslation();
  const history = useHistory(channel.id);
  const outbox = useOutbox(channel.id, null);
  const { send, retry } = useSend(channel.id, null);
  const { rows, firstItemIndex } = historyRows(history.data, outbox);
  const [atBottom, setAtBottom] = useState(true);
  const newest = rows.findLast((row) => row.kind === 'message');
  useMarkRead(channel, newest?.key, atBottom);
  const unreadKey = firstUnreadKey(rows, myId, useUnreadMarkerOnOpen(channel));
  const { editingId, setEditingId, editLast, composer } = useEditLast(rows, myId);
  const people = members ? [...members.values()] : [];
  const notifyTyping = useTypingNotifier(channel.id);
  const loadOlder = () => {
    if (history.hasNextPage && !history.isFetchingNextPage) void history.fetchNextPage();
  };
  return (
    <EditingProvider editingId={editingId} setEditingId={setEditingId}>
      <section className="channel" aria-labelledby="channel-title">
        <header className="channel-header">
          <h1 id="channel-title">{title}</h1>
          {channel.topic && <p className="topic muted">{channel.topic}</p>}
          {channel.isMember && <MuteButton channel={channel} />}
        </header>
        {history.isPending ? (
          <p className="muted center">{t('app.loading')}</p>
        ) : rows.length === 0 ? (
          <p className="empty-state">{t('messages.emptyChannel', { channel: title })}</p>
        ) : (
          <MessageList
            key={channel.id}
            label={t('messages.list', { channel: title })}
            rows={rows}
            members={members}
            myId={myId}
            firstItemIndex={firstItemIndex}
            onStartReached={loadOlder}
            loadingOlder={history.isFetchingNextPage}
            threadHref={threadHref}
            onRetry={(message) => void retry(message)}
            unreadKey={unreadKey}
            onAtBottomChange={setAtBottom}
          />
        )}
        <TypingIndicator channelId={channel.id} members={members} myId={myId} />
        <Composer
          key={channel.id}
          ref={composer}
          label={t('composer.label', { channel: title })}
          onSend={send}
          draftKey={draftKey(channel.id, null)}
          people={people}
          onEditLast={editLast}
          onTyping={notifyTyping}
        />
      </section>
    </EditingProvider>
  );
}
