import { MessageSquareReply } from 'lucide-react';
import { useMemo, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Message } from '../../lib/api/client';
import { Markdown, MentionNamesContext } from '../../lib/markdown';
import { showMentions, toWireMentions } from '../../lib/mentions';
import type { OutgoingMessage } from '../../lib/message-cache';
import { formatDay, formatTime } from '../../lib/time';
import { AddReaction, Reactions } from '../reactions/Reactions';
import { PresenceDot } from '../presence';
import { CopyLinkButton } from '../links/CopyLinkButton';
import { MessageFiles } from '../files/MessageFiles';
import { MessageContent } from '../blocks';
import { sendAction } from '../blocks/api';
import { useMessage, useMessageActions } from './api';
import { useEditing } from './editing';

export type Row =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'outgoing'; key: string; message: OutgoingMessage };

interface MessageItemProps {
  row: Row;
  authorId: string;
  authorName: string;
  /** The author's picture, shown with their name. */
  avatar?: ReactNode;
  /** Posted by a bot (a plugin, an app, an incoming webhook): badged as an app. */
  app?: boolean;
  /** The author and time are shown once for a run of messages from one person. */
  continued: boolean;
  /** The first message of a calendar day gets a separator above it. */
  newDay: boolean;
  /** The first unread message when the channel was opened gets the "New messages" line above it. */
  firstUnread?: boolean;
  /** The reader wrote it: they may edit and delete it. */
  mine: boolean;
  myId: string;
  /** Display names, for mentions and for who reacted. */
  nameOf: (userId: string) => string;
  /** Where "N replies" leads, or a reply also sent to the channel (absent inside a thread). */
  threadHref?: string;
  onRetry?: (message: OutgoingMessage) => void;
  /** Opened by a link to it: marked for a moment. */
  highlighted?: boolean;
}

/**
 * The box that replaces a message's text while it is edited: Enter saves, Esc cancels. Mentions read `@name` in
 * it, as they did in the composer, and go back as `<@id>`.
 */
function EditBox({
  message,
  nameOf,
  done,
}: {
  message: Message;
  nameOf: (userId: string) => string;
  done: () => void;
}) {
  const { t } = useTranslation();
  const { edit } = useMessageActions(message);
  const shown = showMentions(message.text, nameOf);
  const mentions = message.mentions.map((id) => ({ id, name: nameOf(id) }));
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      done();
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      const text = event.currentTarget.value;
      if (text.trim() && text !== shown) edit.mutate(toWireMentions(text, mentions), { onSuccess: done });
      else done();
    }
  };
  return (
    <textarea
      className="edit-box"
      aria-label={t('messages.editLabel')}
      defaultValue={shown}
      autoFocus
      onFocus={(event) => event.currentTarget.setSelectionRange(shown.length, shown.length)}
      onKeyDown={onKeyDown}
    />
  );
}

/** The longest part of a thread's first message quoted above a reply also sent to the channel. */
const EXCERPT_LENGTH = 80;

/** "replied to a thread: <its first message>", above a reply also sent to the channel, leading to the thread. */
function ThreadContext({
  rootId,
  href,
  nameOf,
}: {
  rootId: string;
  href: string;
  nameOf: (userId: string) => string;
}) {
  const { t } = useTranslation();
  const root = useMessage(rootId).data;
  const text = root ? showMentions(root.text, nameOf) : '';
  const excerpt = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text;
  return (
    <Link className="thread-context muted" to={href}>
      {t('messages.repliedToThread', { excerpt })}
    </Link>
  );
}

/**
 * What one can do with a sent message, in a small toolbar that shows on hover or when focus is inside the
 * message (so the keyboard reaches it by Tab): react, reply in thread, and for one's own, edit and delete.
 */
function MessageActions({
  message,
  mine,
  myId,
  threadHref,
  startEditing,
}: {
  message: Message;
  mine: boolean;
  myId: string;
  threadHref?: string;
  startEditing: () => void;
}) {
  const { t } = useTranslation();
  const { remove } = useMessageActions(message);
  return (
    <div className="message-actions" role="toolbar" aria-label={t('messages.actions')}>
      <AddReaction message={message} myId={myId} className="action-button" />
      <CopyLinkButton message={message} className="action-button" />
      {threadHref && (
        <Link className="action-button" to={threadHref} aria-label={t('messages.replyInThread')}>
          <MessageSquareReply />
        </Link>
      )}
      {mine && (
        <button type="button" className="action-button" onClick={startEditing}>
          {t('messages.edit')}
        </button>
      )}
      {mine && (
        <button
          type="button"
          className="action-button"
          disabled={remove.isPending}
          onClick={() => remove.mutate()}
        >
          {t('messages.delete')}
        </button>
      )}
    </div>
  );
}

export function MessageItem({
  row,
  authorId,
  authorName,
  avatar,
  app,
  continued,
  newDay,
  firstUnread,
  mine,
  myId,
  nameOf,
  threadHref,
  onRetry,
  highlighted,
}: MessageItemProps) {
  const { t, i18n } = useTranslation();
  const { message } = row;
  const outgoing = row.kind === 'outgoing' ? row.message : undefined;
  const sent = row.kind === 'message' ? row.message : undefined;
  const [editing, setEditing] = useEditing(sent?.id ?? row.key);
  // Memoized: a new value would parse the message's markdown again (nameOf is stable while members are).
  const mentionNames = useMemo(() => ({ nameOf, myId }), [nameOf, myId]);
  const text = (
    <MentionNamesContext.Provider value={mentionNames}>
      <Markdown text={message.text} />
    </MentionNamesContext.Provider>
  );
  return (
    <div className="message-row">
      {newDay && (
        <div className="day-separator" role="separator">
          <span>{formatDay(message.createdAt, i18n.language)}</span>
        </div>
      )}
      {firstUnread && (
        <div className="new-messages-line" role="separator" aria-label={t('unread.newMessages')}>
          <span>{t('unread.newMessages')}</span>
        </div>
      )}
      <article
        className={`message${continued ? ' continued' : ''}${outgoing ? ` ${outgoing.status}` : ''}${highlighted ? ' highlighted' : ''}`}
        aria-busy={outgoing?.status === 'pending' || undefined}
        // Focusable by a tap (not by Tab): a touch screen has no hover to show the actions.
        tabIndex={-1}
      >
        {!continued && (
          <header className="message-header">
            {avatar}
            <PresenceDot userId={authorId} />
            <span className="author">{authorName}</span>
            {app && <span className="tag">{t('messages.app')}</span>}
            <time dateTime={message.createdAt}>{formatTime(message.createdAt, i18n.language)}</time>
          </header>
        )}
        {sent?.threadId && threadHref && (
          <ThreadContext rootId={sent.threadId} href={threadHref} nameOf={nameOf} />
        )}
        {sent && editing ? (
          <EditBox message={sent} nameOf={nameOf} done={() => setEditing(false)} />
        ) : sent ? (
          <MessageContent
            message={sent}
            nameOf={nameOf}
            onAction={app ? (action) => sendAction(sent.id, action) : undefined}
          >
            {text}
          </MessageContent>
        ) : (
          text
        )}
        <MessageFiles files={message.files ?? []} />
        {sent?.editedAt && <span className="muted">{t('messages.edited')}</span>}
        {sent?.alsoSentToChannel && !threadHref && (
          <span className="muted">{t('messages.alsoSentToChannel')}</span>
        )}
        {outgoing?.status === 'pending' && <span className="muted status">{t('messages.pending')}</span>}
        {outgoing?.status === 'failed' && (
          <span className="status failed-note" role="alert">
            {t('messages.failed')}{' '}
            <button type="button" className="link-button" onClick={() => onRetry?.(outgoing)}>
              {t('messages.retry')}
            </button>
          </span>
        )}
        {sent && <Reactions message={sent} myId={myId} nameOf={nameOf} />}
        {sent && threadHref && sent.replyCount > 0 && (
          <Link className="thread-link" to={threadHref}>
            {t('messages.replies', { count: sent.replyCount })}
          </Link>
        )}
        {sent && !editing && (
          <MessageActions
            message={sent}
            mine={mine}
            myId={myId}
            threadHref={threadHref}
            startEditing={() => setEditing(true)}
          />
        )}
      </article>
    </div>
  );
}
