import { createContext, useContext, useState, type ReactNode } from 'react';

interface Editing {
  editingId: string | null;
  setEditingId: (id: string | null) => void;
}

const EditingContext = createContext<Editing | null>(null);

/**
 * Which message of a list is being edited: one at a time, chosen from its toolbar or by ↑ in the composer
 * (which is why the choice lives above the list).
 */
export function EditingProvider({ editingId, setEditingId, children }: Editing & { children: ReactNode }) {
  return <EditingContext.Provider value={{ editingId, setEditingId }}>{children}</EditingContext.Provider>;
}

/** Whether this message is being edited, and the switch; outside a provider each message keeps its own. */
export function useEditing(messageId: string): [boolean, (on: boolean) => void] {
  const shared = useContext(EditingContext);
  const [local, setLocal] = useState(false);
  if (!shared) return [local, setLocal];
  return [shared.editingId === messageId, (on) => shared.setEditingId(on ? messageId : null)];
}
