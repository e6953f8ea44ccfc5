import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../lib/api/client';
import { Markdown } from '../../lib/markdown';
import { showMentions } from '../../lib/mentions';
import { MessageContent } from '../blocks/MessageContent';
import { dismissEphemeralAnswer, useEphemeralAnswers } from './api';

interface EphemeralAnswersProps {
  workspaceId: string;
  channelId: string;
  /** The thread whose answers to show; null: the channel's own. */
  threadId: string | null;
  /** For the mentions in answers. */
  members: Map<string, Member> | undefined;
}

/** Command answers only the reader can see, below the conversation they were typed in, each dismissible. */
export function EphemeralAnswers({ workspaceId, channelId, threadId, members }: EphemeralAnswersProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const answers = useEphemeralAnswers(channelId, threadId);
  if (answers.length === 0) return null;
  const nameOf = (userId: string) => members?.get(userId)?.displayName ?? t('messages.unknownUser');
  return (
    <section className="ephemeral-answers" aria-label={t('commands.answers')} aria-live="polite">
      {answers.map((answer) => (
        <article
          key={answer.id}
          className="message ephemeral"
          aria-label={t('commands.answerFrom', { from: answer.from })}
        >
          <header className="message-header">
            <span className="author">{answer.from}</span>
            <span className="tag">{t('messages.app')}</span>
            <span className="muted only-you">{t('commands.onlyYou')}</span>
            <button
              type="button"
              className="link-button dismiss"
              onClick={() => dismissEphemeralAnswer(client, answer)}
            >
              {t('commands.dismiss')}
            </button>
          </header>
          <MessageContent message={{ ...answer, workspaceId }} nameOf={nameOf}>
            <Markdown text={showMentions(answer.text, nameOf)} />
          </MessageContent>
        </article>
      ))}
    </section>
  );
}
