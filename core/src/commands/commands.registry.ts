import { Injectable } from '@nestjs/common';
import type { CommandInfo, CommandProvider } from './commands.schemas';

/** Every command provider, asked per workspace, so a command is routed to whoever declared it there. */
@Injectable()
export class CommandRegistry {
  private readonly providers: CommandProvider[] = [];

  register(provider: CommandProvider): void {
    this.providers.push(provider);
  }

  async list(workspaceId: string): Promise<(CommandInfo & { provider: CommandProvider })[]> {
    const lists = await Promise.all(
      this.providers.map(async (provider) =>
        (await provider.commands(workspaceId)).map((info) => ({ ...info, provider })),
      ),
    );
    return lists.flat().sort((a, b) => a.command.localeCompare(b.command));
  }
}
