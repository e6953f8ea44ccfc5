import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';

function setup() {
  const onSend = vi.fn<(text: string) => void>();
  render(<Composer label="Message # general" onSend={onSend} />);
  return { onSend, box: screen.getByRole('textbox', { name: 'Message # general' }) };
}

describe('Composer', () => {
  it('sends on Enter and empties the box', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, 'hello{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('hello');
    expect(box).toHaveValue('');
  });

  it('starts a new line on Shift+Enter, without sending', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, 'one{Shift>}{Enter}{/Shift}two');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('one\ntwo');
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('one\ntwo');
  });

  it('does not send a blank message', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('sends with the button too', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, 'by click');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledExactlyOnceWith('by click');
  });
});
