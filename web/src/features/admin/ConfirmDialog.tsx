import { CreateActions } from '../../components/CreateActions';
import { Dialog } from '../../components/Dialog';

/** Asks before what cannot be undone (delete, uninstall, revoke, a new secret URL). */
export function ConfirmDialog({
  open,
  title,
  explanation,
  actionLabel,
  onConfirm,
  onClose,
  error,
  pending,
}: {
  open: boolean;
  title: string;
  explanation: string;
  actionLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  error: unknown;
  pending: boolean;
}) {
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        <p>{explanation}</p>
        <CreateActions error={error} pending={pending} onCancel={onClose} submitLabel={actionLabel} />
      </form>
    </Dialog>
  );
}
