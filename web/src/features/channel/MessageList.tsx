import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Virtuoso } from 'react-virtuoso';
import type { Member } from '../../lib/api/client';
import type { OutgoingMessage } from '../../lib/message-cache';
import { Avatar } from '../../components/Avatar';
import { MessageItem, type Row } from './MessageItem';
import { authorOf, rowLayout } from './rows';

interface MessageListProps {
  label: string;
  rows: Row[];
  members: Map<string, Member> | undefined;
  myId: string;
  /** Virtuoso's index of the first row: it decreases by the number of rows prepended, so the view stays put. */
  firstItemIndex: number;
  onStartReached?: () => void;
  loadingOlder?: boolean;
  /** Opened at a message (a jump link): the list starts there, marks it, and loads newer pages at the bottom. */
  focus?: { messageId: string; highlighted: boolean };
  onEndReached?: () => void;
  loadingNewer?: boolean;
  threadHref?: (messageId: string) => string;
  onRetry: (message: OutgoingMessage) => void;
  /** The row the "New messages" line stands above (see firstUnreadKey). */
  unreadKey?: string;
  /** Whether the newest row is in view, as the reader scrolls (to mark the channel read). */
  onAtBottomChange?: (atBottom: boolean) => void;
}

/**
 * A virtualized list of messages, oldest at the top, that sticks to the bottom while the reader is there. Only
 * the rows in and near the viewport are in the DOM, however long the history.
 */
export function MessageList(props: MessageListProps) {
  const { t } = useTranslation();
  const { rows, members, myId, focus } = props;
  const focusIndex = focus ? rows.findIndex((row) => row.key === focus.messageId) : -1;
  // Stable while the members are: each row's markdown is parsed again only when a name may have changed.
  const nameOf = useCallback(
    (userId: string) =>
      members?.get(userId)?.displayName ?? (userId === myId ? t('messages.you') : t('messages.unknownUser')),
    [members, myId, t],
  );
  return (
    <div className="message-list" role="log" aria-label={props.label} aria-live="polite">
      {props.loadingOlder && <p className="loading-older muted">{t('messages.loadingOlder')}</p>}
      <Virtuoso
        className="virtuoso"
        data={rows}
        firstItemIndex={props.firstItemIndex}
        initialTopMostItemIndex={
          focusIndex >= 0 ? { index: focusIndex, align: 'center' } : Math.max(0, rows.length - 1)
        }
        followOutput={(atBottom) => (atBottom ? 'auto' : false)}
        // Near the bottom counts as at it, so a row taller than Virtuoso's estimate does not stop the follow.
        atBottomThreshold={120}
        startReached={props.onStartReached}
        atBottomStateChange={props.onAtBottomChange}
        endReached={props.onEndReached}
        computeItemKey={(_, row) => row.key}
        itemContent={(index, row) => {
          const previous = rows[index - props.firstItemIndex - 1];
          const layout = rowLayout(previous, row, myId, props.unreadKey);
          const authorId = authorOf(row, myId);
          // An incoming webhook's post may name itself (Slack's `username`).
          const authorName = (row.kind === 'message' && row.message.botProfile?.username) || nameOf(authorId);
          return (
            <MessageItem
              row={row}
              authorId={authorId}
              authorName={authorName}
              app={members?.get(authorId)?.isBot === true}
              avatar={
                <Avatar
                  userId={authorId}
                  name={authorName}
                  url={members?.get(authorId)?.avatarUrl}
                  size={24}
                />
              }
              {...layout}
              mine={authorId === myId}
              myId={myId}
              nameOf={nameOf}
              highlighted={focus?.highlighted === true && row.key === focus.messageId}
              threadHref={
                row.kind === 'message'
                  ? props.threadHref?.(row.message.threadId ?? row.message.id)
                  : undefined
              }
              onRetry={props.onRetry}
            />
          );
        }}
      />
      {props.loadingNewer && <p className="loading-newer muted">{t('messages.loadingNewer')}</p>}
    </div>
  );
}
