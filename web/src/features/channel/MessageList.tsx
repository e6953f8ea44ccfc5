import { useTranslation } from 'react-i18next';
import { Virtuoso } from 'react-virtuoso';
import type { Member } from '../../lib/api/client';
import type { OutgoingMessage } from '../../lib/message-cache';
import { dayKey, GROUP_WINDOW_MS } from '../../lib/time';
import { Avatar } from '../../components/Avatar';
import { MessageItem, type Row } from './MessageItem';

interface MessageListProps {
  label: string;
  rows: Row[];
  members: Map<string, Member> | undefined;
  myId: string;
  /** Virtuoso's index of the first row: it decreases by the number of rows prepended, so the view stays put. */
  firstItemIndex: number;
  onStartReached?: () => void;
  loadingOlder?: boolean;
  threadHref?: (messageId: string) => string;
  onRetry: (message: OutgoingMessage) => void;
}

function authorOf(row: Row, myId: string): string {
  return row.kind === 'message' ? row.message.userId : myId;
}

/**
 * A virtualized list of messages, oldest at the top, that sticks to the bottom while the reader is there. Only
 * the rows in and near the viewport are in the DOM, however long the history.
 */
export function MessageList(props: MessageListProps) {
  const { t } = useTranslation();
  const { rows, members, myId } = props;
  const nameOf = (userId: string) =>
    members?.get(userId)?.displayName ?? (userId === myId ? t('messages.you') : t('messages.unknownUser'));
  return (
    <div className="message-list" role="log" aria-label={props.label} aria-live="polite">
      {props.loadingOlder && <p className="loading-older muted">{t('messages.loadingOlder')}</p>}
      <Virtuoso
        className="virtuoso"
        data={rows}
        firstItemIndex={props.firstItemIndex}
        initialTopMostItemIndex={Math.max(0, rows.length - 1)}
        followOutput={(atBottom) => (atBottom ? 'auto' : false)}
        // Near the bottom counts as at it, so a row taller than Virtuoso's estimate does not stop the follow.
        atBottomThreshold={120}
        startReached={props.onStartReached}
        computeItemKey={(_, row) => row.key}
        itemContent={(index, row) => {
          const previous = rows[index - props.firstItemIndex - 1];
          const newDay = !previous || dayKey(previous.message.createdAt) !== dayKey(row.message.createdAt);
          const continued =
            !newDay &&
            previous !== undefined &&
            authorOf(previous, myId) === authorOf(row, myId) &&
            Date.parse(row.message.createdAt) - Date.parse(previous.message.createdAt) < GROUP_WINDOW_MS;
          return (
            <MessageItem
              row={row}
              authorName={nameOf(authorOf(row, myId))}
              avatar={
                <Avatar
                  userId={authorOf(row, myId)}
                  name={nameOf(authorOf(row, myId))}
                  url={members?.get(authorOf(row, myId))?.avatarUrl}
                  size={24}
                />
              }
              continued={continued}
              newDay={newDay}
              mine={authorOf(row, myId) === myId}
              threadHref={row.kind === 'message' ? props.threadHref?.(row.message.id) : undefined}
              onRetry={props.onRetry}
            />
          );
        }}
      />
    </div>
  );
}
