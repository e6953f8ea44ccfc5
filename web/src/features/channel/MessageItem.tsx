import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Message } from '../../lib/api/client';
import { Markdown } from '../../lib/markdown';
import type { OutgoingMessage } from '../../lib/message-cache';
import { formatDay, formatTime } from '../../lib/time';

export type Row =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'outgoing'; key: string; message: OutgoingMessage };

interface MessageItemProps {
  row: Row;
  authorName: string;
  /** The author and time are shown once for a run of messages from one person. */
  continued: boolean;
  /** The first message of a calendar day gets a separator above it. */
  newDay: boolean;
  /** Where "N replies" leads (absent inside a thread). */
  threadHref?: string;
  onRetry?: (message: OutgoingMessage) => void;
}

export function MessageItem({ row, authorName, continued, newDay, threadHref, onRetry }: MessageItemProps) {
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
            <span className="author">{authorName}</span>
            <time dateTime={message.createdAt}>{formatTime(message.createdAt, i18n.language)}</time>
          </header>
        )}
        <Markdown text={message.text} />
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
