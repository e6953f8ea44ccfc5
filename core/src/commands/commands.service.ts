import { Injectable } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service';
import { notFound } from '../common/problem';
import { MessagesService } from '../messages/messages.service';
import { CommandRegistry } from './commands.registry';
import type { CommandResult } from './commands.schemas';

/** Parses `/name args`, routes it to the provider that declared it in this workspace, delivers the answer. */
@Injectable()
export class CommandsService {
  constructor(
    private readonly registry: CommandRegistry,
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
  ) {}

  async run(
    channelId: string,
    userId: string,
    text: string,
    threadId?: string,
  ): Promise<Omit<CommandResult, 'postAs'>> {
    const { channel } = await this.channels.requireMember(channelId, userId);
    const [, command, args = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(text.trim()) ?? [];
    const known = await this.registry.list(channel.workspaceId);
    if (command === 'help') {
      const lines = known.map((c) => `/${c.command}${c.usage ? ` ${c.usage}` : ''} — ${c.description}`);
      return {
        responseType: 'ephemeral',
        text: lines.length ? lines.join('\n') : 'No commands are installed here.',
      };
    }
    const target = known.find((c) => c.command === command);
    if (!target) throw notFound(`Command /${command}`);
    const result = await target.provider.run({
      workspaceId: channel.workspaceId,
      command,
      args: args.trim(),
      userId,
      channelId: channel.id,
      threadId: threadId ?? null,
    });
    if (result.responseType === 'in_channel' && result.postAs) {
      await this.messages.post(
        channel.id,
        { userId: result.postAs, isBot: true },
        { text: result.text, threadId },
        { skipHooks: true, onBehalfOf: userId },
      );
    }
    return { responseType: result.responseType, text: result.text };
  }
}
