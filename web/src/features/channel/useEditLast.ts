import { useRef, useState } from 'react';
import type { Row } from './MessageItem';

/**
 * The edit state of a list with its composer: ↑ in the empty composer edits the reader's last sent message, and
 * when an edit ends the focus goes back to the composer.
 */
export function useEditLast(rows: Row[], myId: string) {
  const [editingId, setEditing] = useState<string | null>(null);
  const composer = useRef<HTMLTextAreaElement | null>(null);
  const setEditingId = (id: string | null) => {
    setEditing(id);
    if (id === null) composer.current?.focus();
  };
  const editLast = () => {
    const sent = rows.flatMap((row) => (row.kind === 'message' ? [row.message] : []));
    const last = sent.findLast((message) => message.userId === myId);
    if (last) setEditing(last.id);
  };
  return { editingId, setEditingId, editLast, composer };
}
