import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, data, type Message } from '../../lib/api/client';
import { updateMessage, withReaction } from '../../lib/message-cache';

/**
 * Adding or taking away my reaction: the chip changes at once and changes back if the server refuses; the
 * server's event (to every reader, me included) then agrees with it.
 */
export function useToggleReaction(message: Message, myId: string) {
  const client = useQueryClient();
  const change = (emoji: string, added: boolean) =>
    updateMessage(client, message, (current) => withReaction(current, emoji, myId, added));
  return useMutation({
    mutationFn: ({ emoji, add }: { emoji: string; add: boolean }) => {
      const path = { params: { path: { messageId: message.id } } };
      return add
        ? data(api.POST('/api/v1/messages/{messageId}/reactions', { ...path, body: { emoji } }))
        : data(
            api.DELETE('/api/v1/messages/{messageId}/reactions/{emoji}', {
              params: { path: { messageId: message.id, emoji } },
            }),
          );
    },
    onMutate: ({ emoji, add }) => change(emoji, add),
    onError: (_error, { emoji, add }) => change(emoji, !add),
  });
}
