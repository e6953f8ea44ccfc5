import { Injectable } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service';
import { forbidden, notFound } from '../common/problem';
import { MessagesService } from '../messages/messages.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { CommandRegistry } from './commands.registry';
import type { CommandInfo, CommandResult, CommandView } from './commands.schemas';

const HELP: CommandView = {
  command: '/help',
  description: 'Lists the commands you can run here',
  usage: null,
  source: { kind: 'builtin', id: 'help', name: 'Jōkkær' },
};

/**
 * Guests run plugin commands but not app commands: an app command sends the person, the channel and the text to
 * the app's own server (Slack too keeps app commands from guests unless the workspace allows them).
 */
const mayRun = (command: CommandInfo, isGuest: boolean) => !isGuest || command.source.kind !== 'app';

const toView = (command: CommandInfo): CommandView => ({
  command: `/${command.command}`,
  description: command.description,
  usage: command.usage || null,
  source: command.source,
});

/** Parses `/name args`, routes it to the provider that declared it in this workspace, delivers the answer. */
@Injectable()
export class CommandsService {
  constructor(
    private readonly registry: CommandRegistry,
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
    private readonly workspaces: WorkspacesService,
  ) {}

  /** The commands the caller may run in the workspace (404 for non-members), `/help` first. */
  async list(workspaceId: string, userId: string): Promise<{ items: CommandView[] }> {
    const { role } = await this.workspaces.requireMember(workspaceId, userId);
    const known = await this.registry.list(workspaceId);
    return { items: [HELP, ...known.filter((c) => mayRun(c, role === 'guest')).map(toView)] };
  }

  async run(
    channelId: string,
    userId: string,
    text: string,
    threadId?: string,
  ): Promise<Omit<CommandResult, 'postAs'>> {
    const { channel, isGuest } = await this.channels.requireMember(channelId, userId);
    const [, command, args = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(text.trim()) ?? [];
    const known = await this.registry.list(channel.workspaceId);
    if (command === 'help') {
      const lines = known
        .filter((c) => mayRun(c, isGuest))
        .map((c) => `/${c.command}${c.usage ? ` ${c.usage}` : ''} — ${c.description}`);
      return {
        responseType: 'ephemeral',
        text: lines.length ? lines.join('\n') : 'No commands are installed here.',
      };
    }
    const target = known.find((c) => c.command === command);
    if (!target) throw notFound(`Command /${command}`);
    if (!mayRun(target, isGuest)) throw forbidden(`Guests cannot run /${command}, an app's command`);
    const result = await target.provider.run({
      workspaceId: channel.workspaceId,
      command,
      args: args.trim(),
      userId,
      channelId: channel.id,
      threadId: threadId ?? null,
    });
    const { postAs, ...answer } = result;
    if (answer.responseType === 'in_channel' && postAs) {
      const { responseType: _inChannel, ...content } = answer;
      await this.messages.post(
        channel.id,
        { userId: postAs, isBot: true },
        { ...content, threadId },
        { skipHooks: true, onBehalfOf: userId },
      );
    }
    return answer;
  }
}
