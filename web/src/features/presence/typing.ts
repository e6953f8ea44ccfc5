/** How long "… is typing" stays after the last typing frame (senders repeat theirs every few seconds). */
export const TYPING_SHOWN_MS = 6_000;

const NOBODY: readonly string[] = [];

/**
 * Who is typing in which channel, as the socket reports it. Each person's entry expires TYPING_SHOWN_MS after
 * their last frame, or at once when their message arrives. Readers subscribe (useSyncExternalStore); each
 * channel's list is a new array only when it changes.
 */
export class TypingBook {
  private readonly timers = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  private readonly lists = new Map<string, readonly string[]>();
  private readonly listeners = new Set<() => void>();

  typed(channelId: string, userId: string): void {
    const channel = this.timers.get(channelId) ?? new Map<string, ReturnType<typeof setTimeout>>();
    this.timers.set(channelId, channel);
    const known = channel.has(userId);
    clearTimeout(channel.get(userId));
    channel.set(
      userId,
      setTimeout(() => this.stopped(channelId, userId), TYPING_SHOWN_MS),
    );
    if (!known) this.changed(channelId);
  }

  stopped(channelId: string, userId: string): void {
    const channel = this.timers.get(channelId);
    if (!channel?.has(userId)) return;
    clearTimeout(channel.get(userId));
    channel.delete(userId);
    this.changed(channelId);
  }

  typers(channelId: string): readonly string[] {
    return this.lists.get(channelId) ?? NOBODY;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispose(): void {
    for (const channel of this.timers.values()) channel.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }

  private changed(channelId: string): void {
    this.lists.set(channelId, [...(this.timers.get(channelId)?.keys() ?? [])]);
    this.listeners.forEach((listener) => listener());
  }
}
