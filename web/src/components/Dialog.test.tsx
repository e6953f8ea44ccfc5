import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Dialog } from './Dialog';

// jsdom has no <dialog> methods: showModal opens it, as far as this test needs.
if (!('showModal' in HTMLDialogElement.prototype)) {
  Object.defineProperty(HTMLDialogElement.prototype, 'showModal', {
    value(this: HTMLDialogElement) {
      this.open = true;
    },
  });
}

describe('Dialog', () => {
  it('has a close button named for what it does, drawn as an SVG icon (a glyph needs a font that may be missing)', async () => {
    const onClose = vi.fn();
    render(
      <Dialog title="Create a channel" open onClose={onClose}>
        <p>Body</p>
      </Dialog>,
    );
    const close = screen.getByRole('button', { name: 'Close' });
    expect(close).toHaveTextContent(/^$/);
    expect(close.querySelector('svg')).toHaveAttribute('aria-hidden', 'true');
    await userEvent.click(close);
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
