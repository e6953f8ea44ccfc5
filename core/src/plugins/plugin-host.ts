import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  capabilityArgumentProblem,
  fetchBodyBytes,
  fileTooLarge,
  handlerTimeoutMs,
  HostFailure,
  isUuid,
  MAX_TEXT_LENGTH,
  unstorableArgument,
} from '@jokkaer/sdk-plugin';
import type { Block, PluginManifest, PostDecision } from '@jokkaer/sdk-plugin';
import type { HandlerKind, InvokeResult } from '@jokkaer/sdk-plugin/sandbox';
import type { Logger } from 'pino';
import { ChannelsService } from '../channels/channels.service';
import { CommandRegistry } from '../commands/commands.registry';
import type {
  CommandInfo,
  CommandProvider,
  CommandRequest,
  CommandResult,
} from '../commands/commands.schemas';
import { Clock } from '../common/clock';
import { ExpiringCache } from '../common/expiring-cache';
import { LOGGER } from '../common/logger';
import { ProblemException } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { EgressClient } from '../egress/egress.client';
import { EventsRepository } from '../events/events.repository';
import { FilesService } from '../files/files.service';
import type { MessageDraft, MessageWillBePosted } from '../messages/message-hooks';
import { MessageHooks } from '../messages/message-hooks';
import { MessagesService } from '../messages/messages.service';
import { PresenceService } from '../realtime/presence.service';
import type { Delivery, InteractivePlugin, PluginInteractions } from '../slack/interactivity';
import { SlackInteractivity } from '../slack/interactivity';
import { SlackError } from '../slack/slack.schemas';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { PluginCatalogue } from './plugin-catalogue';
import { PluginRunner } from './plugin-runner';
import type { Histogram } from 'prom-client';
import { Metrics } from '../metrics/metrics';
import { InstallRow, PluginsRepository } from './plugins.repository';

/** Another instance's install changes reach this one within this time; this instance's at once. */
const INSTALL_CACHE_MS = 1000;

/**
 * The plugin asked for what its manifest does not grant: the plugin's own failure when it lets this escape.
 * Every other refusal is a HostFailure (the arguments often come from the plugin's users, not its code).
 */
class NotGrantedError extends Error {}

/**
 * Runs installed plugins: loads them into the runner, invokes their handlers with the install's limits,
 * records every run, disables an install that keeps failing, and answers their capability calls after
 * checking the permissions its manifest declared and its admin granted by installing it.
 */
@Injectable()
export class PluginHost
  implements OnModuleInit, OnApplicationShutdown, MessageWillBePosted, CommandProvider, PluginInteractions
{
  readonly runner: PluginRunner;
  /** Enabled installs per workspace: the hook runs on every post. */
  private readonly workspaceInstalls: ExpiringCache<string, InstallRow[]>;
  /** Installs by id, with their settings and limits: every capability call checks its install. */
  private readonly installsById: ExpiringCache<string, InstallRow | undefined>;

  private readonly invocations: Histogram<'kind' | 'outcome'>;

  constructor(
    private readonly repository: PluginsRepository,
    private readonly events: EventsRepository,
    private readonly catalogue: PluginCatalogue,
    private readonly messages: MessagesService,
    private readonly channels: ChannelsService,
    private readonly workspaces: WorkspacesService,
    private readonly egress: EgressClient,
    private readonly files: FilesService,
    private readonly hooks: MessageHooks,
    private readonly commandRegistry: CommandRegistry,
    private readonly presence: PresenceService,
    private readonly interactivity: SlackInteractivity,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    const crashes = metrics.counter({
      name: 'plugin_runner_restarts_total',
      help: 'Times the plugin runner process died and was restarted',
    });
    this.runner = new PluginRunner(
      (installId, method, args) => this.answer(installId, method, args),
      logger,
      () => crashes.inc(),
    );
    this.invocations = metrics.histogram({
      name: 'plugin_invocation_duration_seconds',
      help: 'Plugin hook, command, action and schedule runs by kind and outcome (ok, timeout, error, …)',
      labelNames: ['kind', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    });
    metrics.readGauge(
      'plugin_installs_disabled',
      'Plugin installs turned off, by an admin or by the platform after repeated failures',
      () => repository.disabledInstallCount(),
      'max',
    );
    const now = () => clock.now();
    this.workspaceInstalls = new ExpiringCache(INSTALL_CACHE_MS, now);
    this.installsById = new ExpiringCache(INSTALL_CACHE_MS, now);
  }

  onModuleInit(): void {
    this.hooks.register(this);
    this.commandRegistry.register(this);
    this.interactivity.registerPlugins(this);
  }

  onApplicationShutdown(): void {
    this.runner.stop();
  }

  enabledInstalls(workspaceId: string): Promise<InstallRow[]> {
    return this.workspaceInstalls.get(workspaceId, () => this.repository.enabledInstalls(workspaceId));
  }

  /** After `install` changed (or went): its next call and post see the change. */
  forget(install: Pick<InstallRow, 'id' | 'workspaceId'>): void {
    this.workspaceInstalls.delete(install.workspaceId);
    this.installsById.delete(install.id);
  }

  manifestOf(install: InstallRow): PluginManifest | undefined {
    return this.catalogue.get(install.pluginId)?.manifest;
  }

  async invoke(
    install: InstallRow,
    kind: HandlerKind,
    name: string,
    payload: unknown,
  ): Promise<InvokeResult> {
    const entry = this.catalogue.get(install.pluginId);
    const { limits } = install;
    const timeoutMs = handlerTimeoutMs(limits, kind);
    let result: InvokeResult;
    if (!entry) {
      result = {
        ok: false,
        code: 'error',
        message: 'the plugin is no longer available',
        durationMs: 0,
        cpuMs: 0,
      };
    } else {
      const spec = {
        installId: install.id,
        code: entry.code,
        settings: install.settings,
        workspaceId: install.workspaceId,
        memoryLimitMb: limits.memoryMb,
        limits: {
          callsInFlight: this.config.pluginCallsInFlight,
          callsQueued: this.config.pluginCallsQueued,
          callsPerSecond: this.config.pluginCallsPerSecond,
          logLinesPerSecond: this.config.pluginLogLinesPerSecond,
          logLineMaxChars: this.config.pluginLogLineMaxChars,
        },
      };
      result = await this.runner.invoke(spec, kind, name, payload, timeoutMs).catch((error: Error) => ({
        ok: false as const,
        code: 'error' as const,
        message: error.message,
        durationMs: 0,
        cpuMs: 0,
      }));
    }
    this.invocations.observe({ kind, outcome: result.ok ? 'ok' : result.code }, result.durationMs / 1000);
    const record = this.repository.recordInvocation({
      installId: install.id,
      kind,
      name,
      outcome: result.ok ? 'ok' : result.code,
      durationMs: result.durationMs,
      message: result.ok ? null : result.message.slice(0, 1000),
    });
    if (result.ok || result.code === 'missing' || result.code === 'host') {
      // Logged off the request path (a hook runs while its author waits); none of these is the plugin failing.
      record.catch((error: unknown) => this.logger.warn({ err: error }, 'could not log a plugin run'));
    } else {
      await record;
      await this.checkHealth(install, result.message);
    }
    return result;
  }

  async watches(workspaceId: string): Promise<boolean> {
    return (await this.enabledInstalls(workspaceId)).some((install) => this.hasPostHook(install));
  }

  private hasPostHook(install: InstallRow): boolean {
    return this.manifestOf(install)?.permissions?.hooks?.includes('messageWillBePosted') === true;
  }

  /** `message.willBePosted` for every enabled install with the hook, each with its own budget. */
  async willBePosted(draft: MessageDraft): Promise<{ reject: string } | { text: string }> {
    let current = draft.text;
    for (const install of await this.enabledInstalls(draft.workspaceId)) {
      if (!this.hasPostHook(install)) continue;
      const result = await this.invoke(install, 'hook', 'messageWillBePosted', { ...draft, text: current });
      if (!result.ok) {
        if (result.code === 'missing' || !install.limits.hookFailClosed) continue; // fail-open, and logged
        return { reject: `${install.pluginId} could not check this message` };
      }
      const decision = result.value as PostDecision | null;
      if (decision?.action === 'reject') return { reject: `${install.pluginId}: ${String(decision.reason)}` };
      if (
        decision?.action === 'rewrite' &&
        typeof decision.text === 'string' &&
        decision.text.length <= MAX_TEXT_LENGTH
      ) {
        current = decision.text;
      }
    }
    return { text: current };
  }

  async commands(workspaceId: string): Promise<CommandInfo[]> {
    const installs = await this.enabledInstalls(workspaceId);
    return installs.flatMap((install) => {
      const manifest = this.manifestOf(install);
      return (manifest?.permissions?.commands ?? []).map((command) => ({
        command: command.command,
        description: command.description,
        usage: command.usage,
        source: { kind: 'plugin' as const, id: install.pluginId, name: manifest?.name ?? install.pluginId },
      }));
    });
  }

  async run(request: CommandRequest): Promise<CommandResult> {
    const installs = await this.enabledInstalls(request.workspaceId);
    const install = installs.find((candidate) =>
      this.manifestOf(candidate)?.permissions?.commands?.some(
        (command) => command.command === request.command,
      ),
    ) as InstallRow;
    const { workspaceId: _, ...invocation } = request;
    const result = await this.invoke(install, 'command', request.command, invocation);
    if (!result.ok)
      return { responseType: 'ephemeral', text: `/${request.command} failed: ${result.message}` };
    const answer = (result.value ?? {}) as { responseType?: string; text?: unknown };
    return {
      responseType: answer.responseType === 'in_channel' ? 'in_channel' : 'ephemeral',
      text: typeof answer.text === 'string' ? answer.text.slice(0, MAX_TEXT_LENGTH) : '',
      postAs: install.botUserId,
    };
  }

  async pluginOfBot(workspaceId: string, botUserId: string): Promise<InteractivePlugin | undefined> {
    const install = (await this.enabledInstalls(workspaceId)).find(
      (candidate) => candidate.botUserId === botUserId,
    );
    if (!install || this.manifestOf(install)?.permissions?.interactive !== true) return undefined;
    return { installId: install.id, workspaceId, botUserId };
  }

  async interact(
    installId: string,
    kind: 'action' | 'view',
    name: string,
    payload: unknown,
  ): Promise<Delivery> {
    const install = await this.installsById.get(installId, () => this.repository.findInstallById(installId));
    if (!install?.enabled) return { answered: false, reason: 'the plugin is disabled' };
    const result = await this.invoke(install, kind, name, payload);
    if (result.ok) return { answered: true, answer: result.value };
    return { answered: false, reason: result.message, missing: result.code === 'missing' };
  }

  /**
   * A capability call's answer (the runner relays plugin code's calls here; the medium tests call it directly).
   * What the plugin sees of a failure is written for it: a database error, or any other the host did not mean
   * for the plugin, is logged here and reaches the plugin as a generic HostFailure.
   */
  async answer(installId: string, method: string, args: unknown[]): Promise<unknown> {
    try {
      // Text PostgreSQL cannot store is refused before anything runs, naming the argument that holds it.
      const unstorable = method === 'log' ? undefined : unstorableArgument(method, args);
      if (unstorable) throw new HostFailure(`${method}: ${unstorable}`);
      // Then the capability's argument schema, the SDK's (its test harness checks the same one).
      const problem = method === 'log' ? undefined : capabilityArgumentProblem(method, args);
      if (problem) throw new HostFailure(`${method}: ${problem}`);
      return await this.capability(installId, method, args);
    } catch (error) {
      if (error instanceof HostFailure || error instanceof NotGrantedError) throw error;
      if (error instanceof ProblemException) throw new HostFailure(problemText(error));
      if (error instanceof SlackError) throw new HostFailure(slackErrorText(error));
      this.logger.error({ err: error, installId, method }, 'a plugin capability call failed');
      throw new HostFailure(`the server could not complete ${method}; try again later`);
    }
  }

  /** A capability call from plugin code: checked against the install's permissions, scoped to its workspace. */
  private async capability(installId: string, method: string, args: unknown[]): Promise<unknown> {
    const install = await this.installsById.get(installId, () => this.repository.findInstallById(installId));
    if (!install?.enabled) throw new HostFailure('the plugin is disabled');
    const permissions = this.manifestOf(install)?.permissions ?? {};
    const bot = install.botUserId;
    const deny = (what: string) => new NotGrantedError(`the manifest does not grant ${what}`);
    switch (method) {
      case 'log': {
        const [level, message, fields] = args as [string, string, Record<string, unknown>];
        const log = level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'info';
        this.logger[log]({ plugin: install.pluginId, installId, fields }, String(message));
        return null;
      }
      case 'messages.post': {
        if (!permissions.messages?.write) throw deny('messages.write');
        const input = args[0] as { channelId: string; text?: string; blocks?: Block[]; threadId?: string };
        const channelId = input.channelId;
        const access = await this.channels.requireReadable(channelId, bot).catch(() => {
          throw new HostFailure('channel not found');
        });
        if (!access.isMember) await this.channels.join(channelId, bot);
        return this.messages.post(
          channelId,
          { userId: bot, isBot: true },
          { text: input.text, blocks: input.blocks, threadId: input.threadId },
          { skipHooks: true },
        );
      }
      case 'messages.update': {
        if (!permissions.messages?.write) throw deny('messages.write');
        const input = args[0] as { messageId: string; text?: string; blocks?: Block[] };
        return this.messages.edit(input.messageId, bot, { text: input.text ?? '', blocks: input.blocks });
      }
      case 'views.open':
      case 'views.update': {
        if (!permissions.interactive) throw deny('interactive');
        const plugin = { installId, workspaceId: install.workspaceId, botUserId: bot };
        const [target, view] = args as [string, unknown];
        return method === 'views.open'
          ? this.interactivity.pluginOpen(plugin, target, view)
          : this.interactivity.pluginUpdate(plugin, target, view);
      }
      case 'messages.get':
        if (!permissions.messages?.read) throw deny('messages.read');
        // As the bot reads it: public channels and those it was added to; anything else is null, like a miss.
        return this.messages.get(args[0] as string, bot).catch(() => null);
      case 'now':
        return this.clock.now();
      case 'channels.get': {
        const channelId = args[0] as string;
        const visible = await this.channels.get(channelId, bot).catch(() => null);
        // Addressed messages reach the plugin from DMs it is not in; it needs their members to notify them.
        if (visible || !permissions.messages?.addressed) return visible;
        return (await this.channels.findDirect(install.workspaceId, channelId).catch(() => null)) ?? null;
      }
      case 'users.get': {
        const member = await this.workspaces.findMember(install.workspaceId, args[0] as string);
        return member ? { id: member.userId, displayName: member.displayName, isBot: member.isBot } : null;
      }
      case 'users.presence': {
        if (!permissions.users?.presence) throw deny('users.presence');
        // Anything but a member's id is left out, as a stranger's would be; presence is cluster-wide.
        const unique = [...new Set((args[0] as string[]).filter(isUuid))];
        return this.presence.statuses(await this.workspaces.filterMembers(install.workspaceId, unique));
      }
      case 'files.get': {
        if (!permissions.files?.read) throw deny('files.read');
        // Only files the bot could open through the API: attached in channels it may read, in its workspace.
        const found = await this.files.forBot(install.workspaceId, bot, args[0] as string);
        if (!found) return null;
        const { id, name, contentType, size } = found.file;
        if (size > permissions.files.maxBytes)
          throw new HostFailure(fileTooLarge(size, permissions.files.maxBytes));
        return { id, name, contentType, size, contentBase64: (await found.read()).toString('base64') };
      }
      case 'kv.get':
      case 'kv.getEntry':
      case 'kv.set':
      case 'kv.delete':
      case 'kv.list':
        if (!permissions.kv) throw deny('kv');
        return this.kv(install, method, args, permissions.kv.quotaBytes);
      case 'http.fetch': {
        // The manifest's hosts, and those the workspace admin added to this install.
        const hosts = permissions.http ? [...permissions.http.hosts, ...install.allowedHosts] : [];
        if (hosts.length === 0) throw deny('http');
        const [url, init] = args as [
          string,
          { method?: string; headers?: Record<string, string>; body?: string; bodyBase64?: string },
        ];
        const { bodyBase64: _, ...request } = init ?? {};
        let body: string | Buffer | undefined;
        try {
          body = fetchBodyBytes(init ?? {}) ?? request.body;
        } catch (error) {
          throw new HostFailure((error as Error).message);
        }
        return this.egress
          .fetch(
            url,
            { ...request, body },
            {
              allowedHosts: hosts,
              timeoutMs: 5_000,
              maxResponseBytes: 1024 * 1024,
            },
          )
          .catch((error: Error) => {
            throw new HostFailure(`fetch refused: ${error.message}`);
          });
      }
      default:
        throw new NotGrantedError(`unknown capability ${method}`);
    }
  }

  private async kv(
    install: InstallRow,
    method: string,
    args: unknown[],
    quotaBytes: number,
  ): Promise<unknown> {
    if (method === 'kv.list')
      return this.repository.kvList(install.id, (args[0] as string | undefined) ?? '');
    const key = args[0] as string;
    if (method === 'kv.get') return (await this.repository.kvGet(install.id, key))?.value ?? null;
    if (method === 'kv.getEntry') return (await this.repository.kvGet(install.id, key)) ?? null;
    if (method === 'kv.delete') return this.repository.kvDelete(install.id, key);
    const json = JSON.stringify(args[1] ?? null);
    const options = (args[2] ?? {}) as { ttlSeconds?: number; ifVersion?: number | null };
    const used = await this.repository.kvUsage(install.id, key);
    if (used + Buffer.byteLength(json) > quotaBytes)
      throw new HostFailure(`KV quota of ${quotaBytes} bytes exceeded`);
    const { ttlSeconds, ifVersion } = options;
    const version = await this.repository.kvSet(
      install.id,
      key,
      json,
      ttlSeconds ? new Date(this.clock.now() + ttlSeconds * 1000) : null,
      ifVersion,
    );
    return version === undefined ? null : { version };
  }

  /** Repeated failures within the window disable the install, with a reason its admins can read. */
  private async checkHealth(install: InstallRow, lastMessage: string): Promise<void> {
    const windowSeconds = this.config.pluginFailureWindowSeconds;
    const failures = await this.repository.failuresSince(
      install.id,
      new Date(this.clock.now() - windowSeconds * 1000),
    );
    if (failures < this.config.pluginFailuresBeforeDisable) return;
    const reason = `disabled after ${failures} failures within ${windowSeconds} s; last: ${lastMessage.slice(0, 300)}`;
    await this.events.appendAfter('plugin_installs.changed', { ofWorkspace: install.workspaceId }, () =>
      this.repository.updateInstall(install.id, { enabled: false, disabledReason: reason }),
    );
    this.runner.unload(install.id);
    this.forget(install);
    this.logger.warn({ plugin: install.pluginId, installId: install.id }, reason);
  }
}

/** A refusal as the plugin reads it: the problem and each failing field (`blocks/0/type must be …`). */
function problemText(error: ProblemException): string {
  const fields = (error.errors ?? []).map((field) => `${field.path} ${field.message}`);
  return [error.message, ...fields].join('; ');
}

/** Slack's error code, with the reasons it gives (`invalid_arguments: [ERROR] view/title: is required`). */
function slackErrorText(error: SlackError): string {
  const messages = (error.extra.response_metadata as { messages?: string[] } | undefined)?.messages ?? [];
  return [error.code, ...messages].join(': ');
}
