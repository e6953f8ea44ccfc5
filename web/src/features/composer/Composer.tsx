import { useState, type ClipboardEvent, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface ComposerProps {
  /** Accessible name and placeholder, e.g. "Message #general". */
  label: string;
  onSend: (text: string) => void;
  attachments?: ComposerAttachments;
}

/** Files going with the message (features/files): a message with files may have no text. */
export interface ComposerAttachments {
  /** The files being attached, shown above the box. */
  tray: ReactNode;
  /** The button that picks files. */
  picker: ReactNode;
  count: number;
  /** Some are still uploading: the message waits for them. */
  busy: boolean;
  onPasteFiles: (files: File[]) => void;
}

/** The message box: Enter sends, Shift+Enter starts a new line; blank messages are not sent. */
export function Composer({ label, onSend, attachments }: ComposerProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');

  const submit = () => {
    if (attachments?.busy || (!text.trim() && !attachments?.count)) return;
    onSend(text);
    setText('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method composes (Japanese, Chinese…), Enter confirms the composition instead.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (!attachments || files.length === 0) return;
    event.preventDefault();
    attachments.onPasteFiles(files);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      {attachments?.tray}
      {attachments?.picker}
      <textarea
        aria-label={label}
        aria-describedby="composer-hint"
        placeholder={label}
        rows={1}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <button type="submit" className="button primary" disabled={attachments?.busy}>
        {t('composer.send')}
      </button>
      <p id="composer-hint" className="visually-hidden">
        {t('composer.hint')}
      </p>
    </form>
  );
}
