import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useChannels } from '../sidebar/api';
import { Attachments } from './Attachments';
import { Blocks } from './Blocks';
import { BlocksContext, type BlocksContextValue } from './context';
import type { Attachment, Block, BlockAction } from './types';

interface RichMessage {
  id: string;
  workspaceId: string;
  text: string;
  blocks?: { type: string }[] | null;
  attachments?: object[] | null;
}

/** The text the server gives a message that came with attachments only (their fallbacks, or their words). */
function attachmentsText(attachments: Attachment[]): string {
  return attachments
    .flatMap((attachment) =>
      attachment.fallback
        ? [attachment.fallback]
        : [attachment.pretext, attachment.title, attachment.text].filter(Boolean),
    )
    .join('\n');
}

interface MessageContentProps {
  message: RichMessage;
  nameOf: (userId: string) => string;
  /** What a button or a select does; absent, interactive elements are disabled (no app is connected). */
  onAction?: (action: BlockAction) => Promise<void>;
  /** The message's text, rendered. */
  children: ReactNode;
}

function RichContent({ message, nameOf, onAction, children }: MessageContentProps) {
  const { t } = useTranslation();
  const [sending, setSending] = useState<{ state: 'idle' | 'pending' } | { state: 'failed'; detail: string }>(
    {
      state: 'idle',
    },
  );
  const act =
    onAction &&
    ((action: BlockAction) => {
      setSending({ state: 'pending' });
      onAction(action).then(
        () => setSending({ state: 'idle' }),
        (error: Error) => setSending({ state: 'failed', detail: error.message }),
      );
    });
  const blocks = (message.blocks ?? []) as Block[];
  const attachments = (message.attachments ?? []) as Attachment[];
  const channels = useChannels(message.workspaceId);
  const context: BlocksContextValue = {
    messageId: message.id,
    workspaceId: message.workspaceId,
    nameOf,
    channelName: (channelId) => channels.data?.find((channel) => channel.id === channelId)?.name ?? undefined,
    onAction: act,
    pending: sending.state === 'pending',
  };
  const textShown =
    blocks.length === 0 && !(attachments.length > 0 && message.text === attachmentsText(attachments));
  return (
    <BlocksContext.Provider value={context}>
      {textShown && children}
      {blocks.length > 0 && <Blocks blocks={blocks} />}
      {attachments.length > 0 && <Attachments attachments={attachments} />}
      {sending.state === 'pending' && (
        <p className="muted" role="status">
          {t('blocks.actionPending')}
        </p>
      )}
      {sending.state === 'failed' && (
        <p className="failed-note" role="alert">
          {t('blocks.actionFailed', { detail: sending.detail })}
        </p>
      )}
    </BlocksContext.Provider>
  );
}

/**
 * A message's body as Slack shows it: its blocks when it has any (its text is then only the notification's
 * fallback), else its text; then its attachments. Text the server derived from attachments alone is not shown
 * twice.
 */
export function MessageContent(props: MessageContentProps) {
  const { message, children } = props;
  if (!message.blocks?.length && !message.attachments?.length) return <>{children}</>;
  return <RichContent {...props} />;
}
