import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretDialog } from './SecretDialog';

// jsdom has no <dialog> methods: showModal opens it, as far as these tests need.
if (!('showModal' in HTMLDialogElement.prototype)) {
  Object.defineProperty(HTMLDialogElement.prototype, 'showModal', {
    value(this: HTMLDialogElement) {
      this.open = true;
    },
  });
}

const secrets = [{ label: 'Bot token', value: 'xoxb-secret-value' }];

function withClipboard(clipboard: Partial<Clipboard> | undefined) {
  Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
}

afterEach(() => withClipboard(undefined));

describe('SecretDialog', () => {
  it('copies a secret and says so', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    withClipboard({ writeText });
    render(<SecretDialog title="Installed" secrets={secrets} onClose={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: 'Copy Bot token' }));
    expect(await screen.findByRole('button', { name: 'Bot token copied' })).toBeVisible();
    expect(writeText).toHaveBeenCalledWith('xoxb-secret-value');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it.each([
    ['refuses', { writeText: () => Promise.reject(new DOMException('Document is not focused')) }],
    ['has no clipboard (plain http)', undefined],
  ])('when the browser %s, says so and selects the secret to copy by hand', async (_case, clipboard) => {
    withClipboard(clipboard);
    render(<SecretDialog title="Installed" secrets={secrets} onClose={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: 'Copy Bot token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Select the text and copy it yourself');
    const field = screen.getByRole('textbox', { name: 'Bot token' });
    expect(field).toHaveFocus();
    const input = field as HTMLInputElement;
    expect([input.selectionStart, input.selectionEnd]).toEqual([0, 'xoxb-secret-value'.length]);
    expect(screen.getByRole('button', { name: 'Copy Bot token' })).toBeVisible();
  });
});
