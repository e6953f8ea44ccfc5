import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data, type Command, type Member } from '../../lib/api/client';
import { newClientMsgId } from '../../lib/ids';

/** An answer shown only to the person who typed the command, until they dismiss it (never stored). */
export interface EphemeralAnswer {
  id: string;
  channelId: string;
  threadId: string | null;
  /** Who answered: the plugin's or app's name, or the command when unknown. */
  from: string;
  text: string;
  /** An app's Block Kit answer: shown, its controls not live (the answer is not stored, so not acted on). */
  blocks?: { type: string }[] | null;
  attachments?: object[] | null;
}

/** What an answer shows beside its author: its text and any blocks and attachments. */
type AnswerContent = Pick<EphemeralAnswer, 'text' | 'blocks' | 'attachments'>;

export const commandKeys = {
  registry: (workspaceId: string) => ['commands', workspaceId] as const,
  answers: (channelId: string, threadId: string | null) =>
    ['ephemeral-answers', channelId, threadId ?? ''] as const,
};

/** `/name`, then a space or the end: what the server runs as a command rather than posting. */
const COMMAND = /^\/([a-z][a-z0-9_-]{0,31})(?:\s|$)/;
export const isCommand = (text: string) => COMMAND.test(text);

/** The commands the reader may run in the workspace, for the composer's `/` list. */
export function useCommands(workspaceId: string): Command[] {
  return (
    useQuery({
      queryKey: commandKeys.registry(workspaceId),
      queryFn: () =>
        data(api.GET('/api/v1/workspaces/{workspaceId}/commands', { params: { path: { workspaceId } } })),
      select: (list) => list.items,
      // Installs change rarely; a minute late is fine, and a focus refetches.
      staleTime: 60_000,
    }).data ?? []
  );
}

export function useEphemeralAnswers(channelId: string, threadId: string | null): EphemeralAnswer[] {
  return (
    useQuery<EphemeralAnswer[]>({
      queryKey: commandKeys.answers(channelId, threadId),
      queryFn: () => [],
      staleTime: Infinity,
      gcTime: Infinity,
    }).data ?? []
  );
}

export function addEphemeralAnswer(client: QueryClient, answer: Omit<EphemeralAnswer, 'id'>): void {
  client.setQueryData<EphemeralAnswer[]>(
    commandKeys.answers(answer.channelId, answer.threadId),
    (list = []) => [...list, { ...answer, id: newClientMsgId() }],
  );
}

/** An app's later answer for this person (the socket's `command.response`), named after the app's bot. */
export function addLaterAnswer(
  client: QueryClient,
  frame: { channelId: string; threadId: string | null; userId: string } & AnswerContent,
): void {
  const bot = client
    .getQueriesData<{ items: Member[] }>({ queryKey: ['members'] })
    .flatMap(([, page]) => page?.items ?? [])
    .find((member) => member.userId === frame.userId);
  const { channelId, threadId, text, blocks, attachments } = frame;
  addEphemeralAnswer(client, {
    channelId,
    threadId,
    text,
    blocks,
    attachments,
    from: bot?.displayName ?? '',
  });
}

export function dismissEphemeralAnswer(client: QueryClient, answer: EphemeralAnswer): void {
  client.setQueryData<EphemeralAnswer[]>(
    commandKeys.answers(answer.channelId, answer.threadId),
    (list = []) => list.filter((candidate) => candidate.id !== answer.id),
  );
}

/**
 * Runs a command typed in a channel or thread. An answer for the typist alone (or a failure) is kept to show
 * under the conversation; an in-channel answer arrives as the bot's message, and an app's later answers on the
 * socket (`command.response`).
 */
export function useRunCommand(workspaceId: string, channelId: string, threadId: string | null) {
  const client = useQueryClient();
  const { t } = useTranslation();
  const commands = useCommands(workspaceId);
  return useCallback(
    async (text: string) => {
      const name = `/${COMMAND.exec(text)?.[1] ?? ''}`;
      const from = commands.find((command) => command.command === name)?.source.name ?? name;
      const show = (answer: string | AnswerContent) =>
        addEphemeralAnswer(client, {
          channelId,
          threadId,
          from,
          ...(typeof answer === 'string' ? { text: answer } : answer),
        });
      try {
        const answer = await data(
          api.POST('/api/v1/channels/{channelId}/commands', {
            params: { path: { channelId } },
            body: { text, ...(threadId ? { threadId } : {}) },
          }),
        );
        if (answer.responseType === 'ephemeral' && (answer.text || answer.blocks?.length)) show(answer);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) show(t('commands.unknown', { command: name }));
        else show(t('commands.failed', { command: name, detail: (error as Error).message }));
      }
    },
    [client, t, commands, channelId, threadId],
  );
}
