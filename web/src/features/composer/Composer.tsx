import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

interface ComposerProps {
  /** Accessible name and placeholder, e.g. "Message #general". */
  label: string;
  onSend: (text: string) => void;
  /** The box's text after each keystroke, and '' once sent (the caller decides what to tell others). */
  onTyping?: (text: string) => void;
}

/** The message box: Enter sends, Shift+Enter starts a new line; blank messages are not sent. */
export function Composer({ label, onSend, onTyping }: ComposerProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');

  const submit = () => {
    if (!text.trim()) return;
    onSend(text);
    setText('');
    onTyping?.('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method composes (Japanese, Chinese…), Enter confirms the composition instead.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      <textarea
        aria-label={label}
        aria-describedby="composer-hint"
        placeholder={label}
        rows={1}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          onTyping?.(event.target.value);
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="button primary">
        {t('composer.send')}
      </button>
      <p id="composer-hint" className="visually-hidden">
        {t('composer.hint')}
      </p>
    </form>
  );
}
