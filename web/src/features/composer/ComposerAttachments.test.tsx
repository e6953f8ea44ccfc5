import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer, type ComposerAttachments } from './Composer';

function setup(attachments: Partial<ComposerAttachments>) {
  const onSend = vi.fn<(text: string) => void>();
  const onPasteFiles = vi.fn<(files: File[]) => void>();
  render(
    <Composer
      label="Message # general"
      onSend={onSend}
      attachments={{ tray: null, picker: null, count: 0, busy: false, onPasteFiles, ...attachments }}
    />,
  );
  return { onSend, onPasteFiles, box: screen.getByRole('textbox', { name: 'Message # general' }) };
}

describe('Composer with attachments', () => {
  it('sends files without text', async () => {
    const { onSend, box } = setup({ count: 1 });
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('');
  });

  it('waits while files upload', async () => {
    const { onSend, box } = setup({ count: 1, busy: true });
    await userEvent.type(box, 'soon{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    expect(box).toHaveValue('soon');
  });

  it('attaches pasted files instead of pasting them as text', () => {
    const { onPasteFiles, box } = setup({});
    const file = new File(['x'], 'pasted.png', { type: 'image/png' });
    fireEvent.paste(box, { clipboardData: { files: [file] } });
    expect(onPasteFiles).toHaveBeenCalledExactlyOnceWith([file]);
  });
});
