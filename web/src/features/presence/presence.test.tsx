import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Member } from '../../lib/api/client';
import '../../lib/i18n';
import { Composer } from '../composer/Composer';
import { TypingProvider, TYPING_REPEAT_MS, useTypingNotifier } from './signals';
import { TypingIndicator } from './TypingIndicator';
import { TypingBook, TYPING_SHOWN_MS } from './typing';

const member = (userId: string, displayName: string) => ({ userId, displayName }) as Member;
const members = new Map(
  [member('me', 'Me'), member('a', 'Alice'), member('b', 'Bob'), member('c', 'Carol')].map((m) => [
    m.userId,
    m,
  ]),
);

function setup() {
  const book = new TypingBook();
  const send = vi.fn<(channelId: string) => void>();
  function ChannelComposer() {
    const notify = useTypingNotifier('general');
    return <Composer label="Message # general" onSend={() => undefined} onTyping={notify} />;
  }
  render(
    <TypingProvider value={{ book, send }}>
      <TypingIndicator channelId="general" members={members} myId="me" />
      <ChannelComposer />
    </TypingProvider>,
  );
  return { book, send };
}

describe('typing', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('names one, two, then several people typing, never the reader, and forgets them after a while', () => {
    const { book } = setup();
    act(() => book.typed('general', 'me'));
    expect(screen.queryByText(/typing/)).toBeNull();
    act(() => book.typed('general', 'a'));
    expect(screen.getByText('Alice is typing…')).toBeInTheDocument();
    act(() => book.typed('general', 'b'));
    expect(screen.getByText('Alice and Bob are typing…')).toBeInTheDocument();
    act(() => book.typed('general', 'c'));
    expect(screen.getByText('Several people are typing…')).toBeInTheDocument();
    act(() => book.typed('elsewhere', 'a'));
    act(() => book.stopped('general', 'c'));
    expect(screen.getByText('Alice and Bob are typing…')).toBeInTheDocument();
    act(() => {
      vi.advanceTimersByTime(TYPING_SHOWN_MS - 1000);
    });
    act(() => book.typed('general', 'b'));
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(screen.getByText('Bob is typing…')).toBeInTheDocument();
    act(() => {
      vi.advanceTimersByTime(TYPING_SHOWN_MS);
    });
    expect(screen.queryByText(/typing/)).toBeNull();
  });

  it('sends a typing frame at most every few seconds while keys keep coming, none for blanks, at once after a send', () => {
    const { send } = setup();
    const box = screen.getByRole('textbox', { name: 'Message # general' });
    const type = (value: string) => fireEvent.change(box, { target: { value } });
    type('   ');
    expect(send).not.toHaveBeenCalled();
    type('hello');
    expect(send).toHaveBeenCalledExactlyOnceWith('general');
    act(() => {
      vi.advanceTimersByTime(TYPING_REPEAT_MS - 100);
    });
    type('hello a');
    expect(send).toHaveBeenCalledTimes(1);
    act(() => {
      vi.advanceTimersByTime(100);
    });
    type('hello ab');
    expect(send).toHaveBeenCalledTimes(2);
    // Sent (the box empties): the next message's first key tells at once.
    fireEvent.keyDown(box, { key: 'Enter' });
    type('next');
    expect(send).toHaveBeenCalledTimes(3);
  });
});
