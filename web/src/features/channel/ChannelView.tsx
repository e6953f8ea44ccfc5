import { useTranslation } from 'react-i18next';
import type { Channel, Member } from '../../lib/api/client';
import { DrawerButton } from '../../components/Drawer';
import { Composer } from '../composer/Composer';
import { useHistory, useOutbox, useSend } from './api';
import { MessageList } from './MessageList';
import { historyRows } from './rows';

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
  const loadOlder = () => {
    if (history.hasNextPage && !history.isFetchingNextPage) void history.fetchNextPage();
  };
  return (
    <section className="channel" aria-labelledby="channel-title">
      <header className="channel-header">
        <DrawerButton />
        <h1 id="channel-title">{title}</h1>
        {channel.topic && <p className="topic muted">{channel.topic}</p>}
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
        />
      )}
      <Composer key={channel.id} label={t('composer.label', { channel: title })} onSend={send} />
    </section>
  );
}
