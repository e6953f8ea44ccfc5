import { Injectable } from '@nestjs/common';
import { ProblemException } from '../common/problem';

export interface MessageDraft {
  workspaceId: string;
  channelId: string;
  userId: string;
  text: string;
  threadId: string | null;
}

/** A "will" hook: may reject a message before it is stored, or return the text to store instead. */
export interface MessageWillBePosted {
  willBePosted(draft: MessageDraft): Promise<{ reject: string } | { text: string }>;
  /** Whether willBePosted would run anything for a message of this workspace. */
  watches(workspaceId: string): Promise<boolean>;
}

/**
 * Extension point for `message.willBePosted`: providers (plugins today) register here, so messages never
 * depend on who extends them. Hooks run in order, each seeing the previous one's rewrite.
 */
@Injectable()
export class MessageHooks {
  private readonly hooks: MessageWillBePosted[] = [];

  register(hook: MessageWillBePosted): void {
    this.hooks.push(hook);
  }

  /** Whether any hook would see a message of this workspace. */
  async watch(workspaceId: string): Promise<boolean> {
    for (const hook of this.hooks) if (await hook.watches(workspaceId)) return true;
    return false;
  }

  async run(draft: MessageDraft): Promise<string> {
    let text = draft.text;
    for (const hook of this.hooks) {
      const verdict = await hook.willBePosted({ ...draft, text });
      if ('reject' in verdict)
        throw new ProblemException(422, verdict.reject, [{ path: 'text', message: verdict.reject }]);
      text = verdict.text;
    }
    return text;
  }
}
