import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Message } from '../../lib/api/client';
import { Markdown } from '../../lib/markdown';
import type { OutgoingMessage } from '../../lib/message-cache';
import { formatDay, formatTime } from '../../lib/time';
import { useMessageActions } from './api';

export type Row =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'outgoing'; key: string; message: OutgoingMessage };

interface MessageItemProps {
  row: Row;
  authorName: string;
  /** The author's picture, shown with their name. */
  avatar?: ReactNode;
  /** The author and time are shown once for a run of messages from one person. */
  continued: boolean;
  /** The first message of a calendar day gets a separator above it. */
  newDay: boolean;
  /** The reader wrote it: they may edit and delete it. */
  mine: boolean;
  /** Where "N replies" leads (absent inside a thread). */
  threadHref?: string;
  onRetry?: (message: OutgoingMessage) => void;
}

/** Edit and Delete for one's own message; editing swaps the text for a box (Enter saves, Esc cancels). */
function OwnMessageTools({
  message,
  editing,
  setEditing,
}: {
  message: Message;
  editing: boolean;
  setEditing: (on: boolean) => void;
}) {
  const { t } = useTranslation();
  const { edit, remove } = useMessageActions(message);
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') setEditing(false);
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      const text = event.currentTarget.value;
      if (text.trim() && text !== message.text) edit.mutate(text, { onSuccess: () => setEditing(false) });
      else setEditing(false);
    }
  };
  if (editing) {
    return (
      <textarea
        className="edit-box"
        aria-label={t('messages.editLabel')}
        defaultValue={message.text}
        autoFocus
        onKeyDown={onKeyDown}
      />
    );
  }
  return (
    <div className="message-tools">
      <button type="button" className="link-button" onClick={() => setEditing(true)}>
        {t('messages.edit')}
      </button>
      <button
        type="button"
        className="link-button"
        disabled={remove.isPending}
        onClick={() => remove.mutate()}
      >
        {t('messages.delete')}
      </button>
    </div>
  );
}

export function MessageItem({
  row,
  authorName,
  avatar,
  continued,
  newDay,
  mine,
  threadHref,
  onRetry,
}: MessageItemProps) {
  const [editing, setEditing] = useState(false);
  const { t, i18n } = useTranslation();
  const { message } = row;
  const outgoing = row.kind === 'outgoing' ? row.message : undefined;
  const sent = row.kind === 'message' ? row.message : undefined;
  return (
    <div className="message-row">
      {newDay && (
        <div className="day-separator" role="separator">
          <span>{formatDay(message.createdAt, i18n.language)}</span>
        </div>
      )}
      <article
        className={`message${continued ? ' continued' : ''}${outgoing ? ` ${outgoing.status}` : ''}`}
        aria-busy={outgoing?.status === 'pending' || undefined}
      >
        {!continued && (
          <header className="message-header">
            {avatar}
            <span className="author">{authorName}</span>
            <time dateTime={message.createdAt}>{formatTime(message.createdAt, i18n.language)}</time>
          </header>
        )}
        {!editing && <Markdown text={message.text} />}
        {sent && mine && <OwnMessageTools message={sent} editing={editing} setEditing={setEditing} />}
        {sent?.editedAt && <span className="muted">{t('messages.edited')}</span>}
        {outgoing?.status === 'pending' && <span className="muted status">{t('messages.pending')}</span>}
        {outgoing?.status === 'failed' && (
          <span className="status failed-note" role="alert">
            {t('messages.failed')}{' '}
            <button type="button" className="link-button" onClick={() => onRetry?.(outgoing)}>
              {t('messages.retry')}
            </button>
          </span>
        )}
        {sent && sent.reactions.length > 0 && (
          <ul className="reactions" aria-label={t('messages.reactions')}>
            {sent.reactions.map((reaction) => (
              <li key={reaction.emoji}>
                {reaction.emoji} {reaction.count}
              </li>
            ))}
          </ul>
        )}
        {sent && threadHref && (
          <Link className="thread-link" to={threadHref}>
            {sent.replyCount > 0
              ? t('messages.replies', { count: sent.replyCount })
              : t('messages.replyInThread')}
          </Link>
        )}
      </article>
    </div>
  );
}
