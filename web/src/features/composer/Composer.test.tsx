import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadShortcodes } from '../../lib/emoji';
import type { Command } from '../../lib/api/client';
import { Composer } from './Composer';

const grace = { userId: '6f1c1a52-36b1-4d5e-9a55-0b7f3c1f0a01', displayName: 'Grace Hopper' };
const ada = { userId: '0c2a7d8e-41f3-4b7c-8e0d-5a6b7c8d9e02', displayName: 'Ada Lovelace' };

const command = (name: string, usage: string | null, description: string): Command => ({
  command: name,
  usage,
  description,
  source: { kind: 'plugin', id: name.slice(1), name: name.slice(1) },
});
const commands = [
  command('/help', null, 'Lists the commands you can run here'),
  command('/task', 'add <text> | list', 'Keeps the to-do list'),
  command('/tally', '<votes>', 'Counts votes'),
];

function setup(props: { draftKey?: string; onEditLast?: () => void } = {}) {
  const onSend = vi.fn<(text: string) => void>();
  const view = render(
    <Composer
      label="Message # general"
      onSend={onSend}
      people={[grace, ada]}
      commands={commands}
      {...props}
    />,
  );
  return { onSend, view, box: screen.getByRole('textbox', { name: 'Message # general' }) };
}

beforeEach(async () => {
  localStorage.clear();
  // The shortcode table is a lazy chunk: loaded before each test so `:tada:` converts as it is typed.
  await loadShortcodes();
});

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

describe('Composer emoji shortcodes', () => {
  it('turns a completed :shortcode: into its emoji as it is typed', async () => {
    const { onSend, box } = setup();
    // userEvent reads `[` and `{` as keys: a plain `:tada:` is typed as is.
    await userEvent.type(box, 'party :tada: time');
    expect(box).toHaveValue('party 🎉 time');
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('party 🎉 time');
  });

  it('converts shortcodes pasted whole at send, and leaves unknown ones alone', async () => {
    const { onSend, box } = setup();
    await userEvent.click(box);
    await userEvent.paste('ok :+1: and :not_an_emoji_at_all:');
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('ok 👍 and :not_an_emoji_at_all:');
  });

  it('suggests emoji after a colon and two letters; Tab picks', async () => {
    const { box } = setup();
    await userEvent.type(box, 'see :t');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await userEvent.type(box, 'ad');
    const list = screen.getByRole('listbox', { name: 'Emoji' });
    expect(list).toHaveTextContent(':tada:');
    const selected = screen.getAllByRole('option').find((option) => option.ariaSelected === 'true');
    expect(box).toHaveAttribute('aria-activedescendant', selected?.id);
    await userEvent.keyboard('{Tab}');
    expect(box).toHaveValue('see 🎉 ');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });
});

describe('Composer mentions', () => {
  it('suggests people and broadcasts after @, filtered as one types, accents ignored', async () => {
    const { box } = setup();
    await userEvent.type(box, '@');
    const names = () => screen.getAllByRole('option').map((option) => option.textContent);
    expect(names()).toEqual([
      '@Ada Lovelace',
      '@Grace Hopper',
      '@here notify everyone online here',
      '@channel notify everyone in this channel',
    ]);
    await userEvent.type(box, 'HOP');
    expect(names()).toEqual(['@Grace Hopper']);
  });

  it('moves with the arrows, picks with Enter, and sends the mention as <@id>', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, 'hi @');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}');
    expect(screen.getByRole('option', { selected: true })).toHaveTextContent('@Grace Hopper');
    await userEvent.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('hi @Grace Hopper ');
    await userEvent.type(box, 'and @ch{Enter}look{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith(`hi <@${grace.userId}> and @channel look`);
  });

  it('closes the list on Esc, so Enter sends the text as typed', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, 'mail me @ada');
    expect(screen.getByRole('listbox', { name: 'People to mention' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await userEvent.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('mail me @ada');
  });
});

describe('Composer drafts', () => {
  it('keeps the text of each place across a switch away and back, and clears it on send', async () => {
    const first = setup({ draftKey: 'general' });
    await userEvent.type(first.box, 'half a thought, @gra');
    await userEvent.keyboard('{Enter}');
    first.view.unmount();

    const other = setup({ draftKey: 'random' });
    expect(other.box).toHaveValue('');
    other.view.unmount();

    const back = setup({ draftKey: 'general' });
    expect(back.box).toHaveValue('half a thought, @Grace Hopper ');
    await userEvent.type(back.box, '{Enter}');
    // The picked mention was kept with the draft.
    expect(back.onSend).toHaveBeenCalledExactlyOnceWith(`half a thought, <@${grace.userId}> `);
    back.view.unmount();
    expect(setup({ draftKey: 'general' }).box).toHaveValue('');
  });
});

describe('Composer ↑', () => {
  it('asks to edit the last message only when the box is empty', async () => {
    const onEditLast = vi.fn();
    const { box } = setup({ onEditLast });
    await userEvent.type(box, 'x{ArrowUp}');
    expect(onEditLast).not.toHaveBeenCalled();
    await userEvent.type(box, '{Backspace}{ArrowUp}');
    expect(onEditLast).toHaveBeenCalledOnce();
  });
});

describe('Composer slash commands', () => {
  it('offers the commands that start with what follows a leading slash, with usage and description', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, '/ta');
    const options = screen.getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual([
      '/task add <text> | listKeeps the to-do list',
      '/tally <votes>Counts votes',
    ]);
    await userEvent.type(box, '{ArrowDown}{Enter}');
    expect(box).toHaveValue('/tally ');
    expect(screen.queryByRole('listbox')).toBeNull();
    await userEvent.type(box, '3{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('/tally 3');
  });

  it('offers nothing for a slash inside a message', async () => {
    const { box } = setup();
    await userEvent.type(box, 'either/ta');
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});
