import { X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Member } from '../../lib/api/client';
import { useMessage, useOutbox, useReplies, useSend } from '../channel/api';
import { MessageList } from '../channel/MessageList';
import { messageRows } from '../channel/rows';
import { EditingProvider } from '../channel/editing';
import { useEditLast } from '../channel/useEditLast';
import { isCommand, useCommands, useRunCommand } from '../commands/api';
import { EphemeralAnswers } from '../commands/EphemeralAnswers';
import { Composer } from '../composer/Composer';
import { draftKey } from '../composer/drafts';
import { TypingIndicator, useTypingNotifier } from '../presence';

interface ThreadPanelProps {
  workspaceId: string;
  channelId: string;
  threadId: string;
  members: Map<string, Member> | undefined;
  myId: string;
  closeHref: string;
  /** How the channel is named in "Also send to …" (#general, or the people of a direct conversation). */
  channelTitle: string;
}

/** A thread beside its channel: the root message, its replies and a composer that replies. */
export function ThreadPanel({
  workspaceId,
  channelId,
  threadId,
  members,
  myId,
  closeHref,
  channelTitle,
}: ThreadPanelProps) {
  const { t } = useTranslation();
  const root = useMessage(threadId);
  const replies = useReplies(threadId);
  const outbox = useOutbox(channelId, threadId);
  const { send, retry } = useSend(channelId, threadId);
  const rows = messageRows([...(root.data ? [root.data] : []), ...(replies.data?.items ?? [])], outbox);
  const { editingId, setEditingId, editLast, composer } = useEditLast(rows, myId);
  const navigate = useNavigate();
  useEffect(() => {
    // Esc closes the panel, unless something inside took it first (a suggestion list, an edit, a dialog).
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return;
      void navigate(closeHref);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [navigate, closeHref]);
  // Typing frames name a channel, not a thread: the panel shows who is typing anywhere in its channel.
  const notifyTyping = useTypingNotifier(channelId);
  const commands = useCommands(workspaceId);
  const runCommand = useRunCommand(workspaceId, channelId, threadId);
  // Ticked for one reply at a time, as on Slack: the next reply stays in the thread unless ticked again.
  const [alsoSend, setAlsoSend] = useState(false);
  // A command typed here is answered here.
  const onSend = (text: string) => {
    if (isCommand(text)) return void runCommand(text);
    send(text, [], alsoSend);
    setAlsoSend(false);
  };
  return (
    <EditingProvider editingId={editingId} setEditingId={setEditingId}>
      <aside className="thread-panel" aria-labelledby="thread-title">
        <header className="panel-header">
          <h2 id="thread-title">{t('threads.title')}</h2>
          <Link to={closeHref} className="icon-button" aria-label={t('threads.close')}>
            <X />
          </Link>
        </header>
        <MessageList
          key={threadId}
          label={t('threads.title')}
          rows={rows}
          members={members}
          myId={myId}
          firstItemIndex={0}
          onRetry={(message) => void retry(message)}
        />
        <EphemeralAnswers
          workspaceId={workspaceId}
          channelId={channelId}
          threadId={threadId}
          members={members}
        />
        <TypingIndicator channelId={channelId} members={members} myId={myId} />
        <Composer
          key={threadId}
          ref={composer}
          label={t('composer.replyLabel')}
          onSend={onSend}
          draftKey={draftKey(channelId, threadId)}
          people={members ? [...members.values()] : []}
          commands={commands}
          onEditLast={editLast}
          onTyping={notifyTyping}
          choices={
            <label className="checkbox also-send">
              <input
                type="checkbox"
                checked={alsoSend}
                onChange={(event) => setAlsoSend(event.target.checked)}
              />
              {t('threads.alsoSend', { channel: channelTitle })}
            </label>
          }
        />
      </aside>
    </EditingProvider>
  );
}
