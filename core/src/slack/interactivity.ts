import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { BlockAction, ViewState } from '@jokkaer/sdk-plugin';
import type { Logger } from 'pino';
import { hashToken } from '../auth/tokens';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { LOGGER } from '../common/logger';
import { badRequest, conflict, notFound, ProblemException } from '../common/problem';
import type { ProblemField } from '../common/problem';
import { compileAhead, formErrors } from '../common/validation';
import { EgressClient } from '../egress/egress.client';
import { EventBus } from '../events/event-bus';
import { slackSignature } from '../webhooks/webhook-signature';
import { findElement, pluginAction, slackAction } from './block-actions';
import { optionsOf } from './block-kit';
import { viewSchema } from './block-kit.schemas';
import type { Block } from './block-kit.schemas';
import {
  InteractionOwner,
  InteractiveApp,
  InteractivityRepository,
  ViewRow,
} from './interactivity.repository';
import { formatTs, nativeId, slackId } from './slack-ids';
import { SlackError } from './slack.schemas';
import type { BlockActionBody, ViewActionBody, ViewSubmitBody } from './slack.schemas';
import { SlackSocketMode } from './socket-mode';

/** Slack gives an app 3 s to acknowledge an interaction, and a trigger_id is good for 3 s. */
const ANSWER_TIMEOUT_MS = 3000;
const TRIGGER_TTL_MS = 3000;

/**
 * What an app or plugin answered to an interaction (an app's acknowledgement's body, a plugin handler's return
 * value), or why it did not; `missing`: the plugin has no handler for it.
 */
export type Delivery =
  { answered: true; answer: unknown } | { answered: false; reason: string; missing?: boolean };

/** A plugin install that answers the interactions with its bot's messages and modals. */
export interface InteractivePlugin {
  installId: string;
  workspaceId: string;
  botUserId: string;
}

/** The plugin host's side of interactivity: plugins answer actions and modals as apps do (it registers itself). */
export interface PluginInteractions {
  /** The enabled install in this workspace whose bot this is, if its manifest asks for `interactive`. */
  pluginOfBot(workspaceId: string, botUserId: string): Promise<InteractivePlugin | undefined>;
  /** Runs one of the install's `actions` (by action_id) or `views` (`<callback_id>.submit|close`) handlers. */
  interact(installId: string, kind: 'action' | 'view', name: string, payload: unknown): Promise<Delivery>;
}

/** An app as the owner of a trigger or a view. */
export const appOwner = (app: Pick<InteractiveApp, 'appId'>): InteractionOwner => ({
  appId: app.appId,
  pluginInstallId: null,
});
const pluginOwner = (plugin: InteractivePlugin): InteractionOwner => ({
  appId: null,
  pluginInstallId: plugin.installId,
});

type Values = ViewSubmitBody['values'];
/** What a submission does to the modal, as the app's response_action asked. */
export interface SubmitResult {
  result: 'closed' | 'updated' | 'pushed' | 'errors';
  errors?: Record<string, string>;
}

const short = () => randomBytes(6).toString('base64url');

/** Block and action ids for those left out, as Slack fills them in, so that a submission can name each input. */
function withIds(view: Record<string, unknown>): Record<string, unknown> {
  const blocks = (view.blocks as Block[]).map((block) => {
    const element = block.element as Block | undefined;
    const elements = block.elements as Block[] | undefined;
    return {
      ...block,
      block_id: block.block_id ?? short(),
      ...(element ? { element: { ...element, action_id: element.action_id ?? short() } } : {}),
      ...(elements && block.type === 'actions'
        ? { elements: elements.map((one) => ({ ...one, action_id: one.action_id ?? short() })) }
        : {}),
    };
  });
  return { ...view, blocks };
}

/** 400 naming what is wrong with a view (Slack's invalid_arguments for the Web API). */
function checkView(view: unknown, path: string): Record<string, unknown> {
  const errors = formErrors(viewSchema, view);
  if (errors.length > 0) {
    throw new SlackError('invalid_arguments', {
      response_metadata: {
        messages: errors.map((error) => `[ERROR] ${path}/${error.path}: ${error.message}`),
      },
    });
  }
  return withIds(view as Record<string, unknown>);
}

/**
 * A modal's state from what the person filled in (`values[blockId][actionId]`), in Slack's shape: each input
 * checked against its element (a choice must be one of its options, a required input must be filled).
 */
function viewState(view: Record<string, unknown>, values: Values, { partial = false } = {}) {
  const state: Record<string, Record<string, Record<string, unknown>>> = {};
  const errors: ProblemField[] = [];
  for (const block of view.blocks as Block[]) {
    if (block.type !== 'input') continue;
    const element = block.element as Block;
    const blockId = block.block_id as string;
    const actionId = element.action_id as string;
    const given = values[blockId]?.[actionId] ?? null;
    const path = `values/${blockId}/${actionId}`;
    const empty = given === null || given === '' || (Array.isArray(given) && given.length === 0);
    if (empty && !block.optional && !partial) errors.push({ path, message: 'is required' });
    const chosen = (value: string) => {
      const option = optionsOf(element).find((candidate) => candidate.value === value);
      if (!option) errors.push({ path, message: 'is not one of the options' });
      return option ?? null;
    };
    const list = Array.isArray(given) ? given : given === null ? [] : [given];
    const single = empty ? null : list[0];
    let entry: Record<string, unknown>;
    switch (element.type) {
      case 'plain_text_input':
        entry = { value: single };
        break;
      case 'static_select':
      case 'radio_buttons':
        entry = { selected_option: single === null ? null : chosen(single) };
        break;
      case 'checkboxes':
        entry = { selected_options: list.map(chosen) };
        break;
      default:
        if (single !== null && !/^\d{4}-\d{2}-\d{2}$/.test(single)) {
          errors.push({ path, message: 'is not a date (YYYY-MM-DD)' });
        }
        entry = { selected_date: single };
    }
    state[blockId] = { ...state[blockId], [actionId]: { type: element.type, ...entry } };
  }
  if (errors.length > 0) throw badRequest('The submission is invalid', errors);
  return state;
}

/**
 * Slack's interactivity: trigger ids, payloads to an app's interactivity URL (a signed form field `payload`) or
 * over Socket Mode (`interactive` envelopes), and modals (views.open/update/push), which reach the person's
 * browser over the realtime socket and come back as `view_submission` and `view_closed`.
 */
@Injectable()
export class SlackInteractivity implements OnModuleInit {
  private plugins?: PluginInteractions;

  constructor(
    private readonly repository: InteractivityRepository,
    private readonly socketMode: SlackSocketMode,
    private readonly egress: EgressClient,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The view schema is large: compiled at start rather than on the first views.open, within its 3 s. */
  onModuleInit(): void {
    compileAhead(viewSchema, 'form');
  }

  registerPlugins(plugins: PluginInteractions): void {
    this.plugins = plugins;
  }

  appOfBot(botUserId: string): Promise<InteractiveApp | undefined> {
    return this.repository.appOfBot(botUserId);
  }

  async pluginOfBot(workspaceId: string, botUserId: string): Promise<InteractivePlugin | undefined> {
    return this.plugins?.pluginOfBot(workspaceId, botUserId);
  }

  /** A single-use trigger_id for `userId`, good for 3 s, that only this app or plugin may use (stored hashed). */
  async issueTrigger(owner: InteractionOwner, workspaceId: string, userId: string): Promise<string> {
    const now = this.clock.now();
    const raw = `${Math.floor(now / 1000)}.${randomBytes(16).toString('hex')}`;
    await this.repository.deleteExpiredTriggers(new Date(now));
    await this.repository.insertTrigger({
      tokenHash: hashToken(raw),
      ...owner,
      userId,
      workspaceId,
      expiresAt: new Date(now + TRIGGER_TTL_MS),
    });
    return raw;
  }

  /**
   * A click or choice on a plugin bot's message or in its modal: its `actions[action_id]` handler runs with a
   * trigger for `ctx.views.open`. 400 when the plugin has no handler for it, 502 when the handler failed.
   */
  async pluginAct(
    plugin: InteractivePlugin,
    userId: string,
    action: Record<string, unknown>,
    body: BlockActionBody,
    where: Pick<BlockAction, 'messageId' | 'channelId' | 'view'>,
  ): Promise<{ delivered: true }> {
    const triggerId = await this.issueTrigger(pluginOwner(plugin), plugin.workspaceId, userId);
    const payload = pluginAction(action, body, { userId, triggerId, ...where });
    const delivery = await this.requirePlugins().interact(plugin.installId, 'action', body.actionId, payload);
    if (delivery.answered) return { delivered: true };
    if (delivery.missing)
      throw badRequest('The action is unknown', [
        { path: 'actionId', message: 'has no handler in the plugin' },
      ]);
    throw new ProblemException(502, `The plugin did not take the action: ${delivery.reason}`);
  }

  /**
   * Sends an interaction payload to the app and waits up to 3 s for its acknowledgement: over Socket Mode when
   * it is connected here, else signed to its interactivity URL through the egress guard.
   */
  async deliver(app: InteractiveApp, payload: Record<string, unknown>): Promise<Delivery> {
    if (this.socketMode.connected(app.appId)) {
      const outcome = await this.socketMode.send(app.appId, 'interactive', payload);
      return outcome.acked
        ? { answered: true, answer: outcome.payload }
        : { answered: false, reason: outcome.reason };
    }
    if (!app.interactivityUrl) return { answered: false, reason: 'the app has no interactivity URL' };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = Math.floor(this.clock.now() / 1000);
    try {
      const response = await this.egress.fetch(
        app.interactivityUrl,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'user-agent': 'Jokkaer-Interactivity/1',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': slackSignature(app.signingSecret, timestamp, body),
          },
          body,
        },
        { timeoutMs: ANSWER_TIMEOUT_MS, maxResponseBytes: 256 * 1024 },
      );
      if (response.status < 200 || response.status >= 300) {
        return { answered: false, reason: `the app answered ${response.status}` };
      }
      return { answered: true, answer: parseJson(response.body) };
    } catch (error) {
      this.logger.warn({ err: error, appId: app.appId }, 'interaction delivery failed');
      return { answered: false, reason: 'the app did not answer in time' };
    }
  }

  /** The person a trigger_id names, if it is this app's, unused and in time (it is used up either way). */
  private async takeTrigger(owner: InteractionOwner, triggerId: unknown) {
    // The 3 s are the app's: they are counted when its call arrives, before any work on it.
    const now = this.clock.now();
    const trigger = await this.repository.takeTrigger(hashToken(String(triggerId)), owner);
    if (!trigger) throw new SlackError('invalid_trigger_id');
    if (trigger.expiresAt.getTime() <= now) throw new SlackError('expired_trigger_id');
    return trigger;
  }

  /** views.open: a modal for the person a trigger_id names (the trigger is used up). */
  async open(botUserId: string, args: Record<string, unknown>) {
    const app = await this.requireApp(botUserId);
    return { view: await this.openFor(appOwner(app), botUserId, args.trigger_id, args.view) };
  }

  /** `ctx.views.open` of a plugin: its modal for the person a trigger names; the view's id. */
  async pluginOpen(plugin: InteractivePlugin, triggerId: string, view: unknown): Promise<{ id: string }> {
    const opened = await this.openFor(pluginOwner(plugin), plugin.botUserId, triggerId, view);
    return { id: nativeId(opened.id, ['V'])! };
  }

  /** `ctx.views.update` of a plugin: new content for one of its open views. */
  async pluginUpdate(plugin: InteractivePlugin, viewId: string, view: unknown): Promise<{ id: string }> {
    const checked = checkView(view, 'view');
    const row = await this.repository.view(viewId);
    if (!row || row.pluginInstallId !== plugin.installId) throw new SlackError('not_found');
    await this.replace(row, checked);
    return { id: row.id };
  }

  private async openFor(owner: InteractionOwner, botUserId: string, triggerId: unknown, given: unknown) {
    const trigger = await this.takeTrigger(owner, triggerId);
    const view = checkView(given, 'view');
    const id = newId();
    const row: ViewRow = {
      id,
      rootId: id,
      depth: 0,
      ...owner,
      botUserId,
      userId: trigger.userId,
      workspaceId: trigger.workspaceId,
      view,
      hash: short(),
    };
    await this.repository.insertView(row);
    return this.show(row);
  }

  /** views.push: a view above the top of the modal the trigger's person has open. */
  async push(botUserId: string, args: Record<string, unknown>) {
    const app = await this.requireApp(botUserId);
    const trigger = await this.takeTrigger(appOwner(app), args.trigger_id);
    const view = checkView(args.view, 'view');
    const top = await this.repository.topOpenView(app.appId, trigger.userId);
    if (!top) throw new SlackError('not_found');
    return { view: await this.pushOn(top, view) };
  }

  /** views.update: new content for one of the app's open views (by view_id), unless `hash` is stale. */
  async update(botUserId: string, args: Record<string, unknown>) {
    const app = await this.requireApp(botUserId);
    const view = checkView(args.view, 'view');
    const id = nativeId(args.view_id, ['V']);
    const row = id ? await this.repository.view(id) : undefined;
    if (!row || row.appId !== app.appId) throw new SlackError('not_found');
    if (typeof args.hash === 'string' && args.hash !== row.hash) throw new SlackError('hash_conflict');
    return { view: await this.replace(row, view) };
  }

  /**
   * `POST /api/v1/views/:viewId/submit`: the person's submission, as `view_submission` to the app, whose answer
   * decides what the modal does next (response_action errors, update, push, clear; else it closes).
   */
  async submit(viewId: string, userId: string, body: ViewSubmitBody): Promise<SubmitResult> {
    const row = await this.requireOwnTop(viewId, userId);
    const state = viewState(row.view, body.values);
    const answer = row.pluginInstallId
      ? await this.pluginSubmission(row, userId, state)
      : await this.appSubmission(row, userId, state);
    switch (answer.response_action) {
      case 'errors':
        return { result: 'errors', errors: stringsOf(answer.errors) };
      case 'update':
        await this.replace(row, this.answeredView(answer.view));
        return { result: 'updated' };
      case 'push':
        await this.pushOn(row, this.answeredView(answer.view));
        return { result: 'pushed' };
      case 'clear':
        await this.closeFrom(row, 0);
        return { result: 'closed' };
      default:
        await this.closeFrom(row, row.depth);
        return { result: 'closed' };
    }
  }

  /** The app's acknowledgement of a `view_submission`, its response_action. */
  private async appSubmission(row: ViewRow, userId: string, state: Record<string, unknown>) {
    const app = await this.requireApp(row.botUserId);
    const delivery = await this.deliver(app, {
      type: 'view_submission',
      ...this.payloadBase(app, userId),
      trigger_id: await this.issueTrigger(appOwner(app), app.workspaceId, userId),
      view: await this.slackView(row, state),
      response_urls: [],
    });
    if (!delivery.answered)
      throw new ProblemException(502, `The app did not take the submission: ${delivery.reason}`);
    return (delivery.answer ?? {}) as { response_action?: unknown; errors?: unknown; view?: unknown };
  }

  /** A plugin's `views[callback_id].submit` answer, as an app's response_action (none: the modal closes). */
  private async pluginSubmission(row: ViewRow, userId: string, values: Record<string, unknown>) {
    const plugin = this.ownPlugin(row);
    const delivery = await this.requirePlugins().interact(
      plugin.installId,
      'view',
      `${callbackOf(row)}.submit`,
      {
        view: this.pluginView(row, values),
        userId,
        triggerId: await this.issueTrigger(pluginOwner(plugin), plugin.workspaceId, userId),
      },
    );
    if (!delivery.answered && !delivery.missing)
      throw new ProblemException(502, `The plugin did not take the submission: ${delivery.reason}`);
    const answer = (delivery.answered ? delivery.answer : null) as {
      errors?: unknown;
      update?: unknown;
    } | null;
    if (answer?.errors !== undefined) return { response_action: 'errors', errors: answer.errors };
    if (answer?.update !== undefined) return { response_action: 'update', view: answer.update };
    return {};
  }

  /**
   * `POST /api/v1/views/:viewId/actions`: a click or choice on a control in the person's modal (an actions block,
   * or an input with dispatch_action), with what its inputs hold: Slack's `block_actions` with the view to an
   * app (which may views.update in answer), or the plugin's `actions` handler.
   */
  async act(viewId: string, userId: string, body: ViewActionBody): Promise<{ delivered: true }> {
    const row = await this.requireOwnTop(viewId, userId);
    const blocks = row.view.blocks as Block[];
    const element = findElement(blocks, body);
    const state = viewState(row.view, body.values, { partial: true });
    const block = blocks.find((candidate) => candidate.block_id === body.blockId);
    const entry = block?.type === 'input' ? state[body.blockId]?.[body.actionId] : undefined;
    const action = slackAction(element, body, formatTs(BigInt(this.clock.now()) * 1000n), entry);
    if (row.pluginInstallId) {
      const where = { messageId: null, channelId: null, view: this.pluginView(row, state) };
      return this.pluginAct(this.ownPlugin(row), userId, action, body, where);
    }
    const app = await this.requireApp(row.botUserId);
    const delivery = await this.deliver(app, {
      type: 'block_actions',
      ...this.payloadBase(app, userId),
      container: { type: 'view', view_id: slackId('V', row.id) },
      trigger_id: await this.issueTrigger(appOwner(app), app.workspaceId, userId),
      view: await this.slackView(row, state),
      actions: [action],
    });
    if (!delivery.answered)
      throw new ProblemException(502, `The app did not take the action: ${delivery.reason}`);
    return { delivered: true };
  }

  /** `POST /api/v1/views/:viewId/close`: the person closed it; `view_closed` to the app or plugin if it asked. */
  async close(viewId: string, userId: string): Promise<void> {
    const row = await this.requireOwnTop(viewId, userId);
    const clear = row.view.clear_on_close === true;
    await this.closeFrom(row, clear ? 0 : row.depth);
    if (row.view.notify_on_close !== true) return;
    if (row.pluginInstallId) {
      const closed = { view: this.pluginView(row, {}), userId };
      const plugin = this.ownPlugin(row);
      const delivery = await this.requirePlugins().interact(
        plugin.installId,
        'view',
        `${callbackOf(row)}.close`,
        closed,
      );
      if (!delivery.answered && !delivery.missing)
        this.logger.warn(
          { installId: plugin.installId, reason: delivery.reason },
          'a plugin view close failed',
        );
      return;
    }
    const app = await this.requireApp(row.botUserId);
    const delivery = await this.deliver(app, {
      type: 'view_closed',
      ...this.payloadBase(app, userId),
      view: await this.slackView(row, {}),
      is_cleared: clear,
    });
    if (!delivery.answered)
      this.logger.warn({ appId: app.appId, reason: delivery.reason }, 'view_closed failed');
  }

  private requirePlugins(): PluginInteractions {
    if (!this.plugins) throw new ProblemException(503, 'Plugins are not running on this server');
    return this.plugins;
  }

  /** The plugin install a view belongs to. */
  private ownPlugin(row: ViewRow): InteractivePlugin {
    return { installId: row.pluginInstallId!, workspaceId: row.workspaceId, botUserId: row.botUserId };
  }

  /** A view as a plugin's handlers see it. */
  private pluginView(row: ViewRow, values: Record<string, unknown>): ViewState {
    return {
      id: row.id,
      callbackId: callbackOf(row),
      privateMetadata: typeof row.view.private_metadata === 'string' ? row.view.private_metadata : '',
      values: values as ViewState['values'],
    };
  }

  private answeredView(view: unknown): Record<string, unknown> {
    try {
      return checkView(view, 'view');
    } catch {
      throw new ProblemException(502, "The app's answer has an invalid view");
    }
  }

  private payloadBase(app: InteractiveApp, userId: string) {
    const teamId = slackId('T', app.workspaceId);
    return {
      team: { id: teamId, domain: '' },
      user: { id: slackId('U', userId), team_id: teamId },
      api_app_id: slackId('A', app.appId),
      token: app.clientId,
      is_enterprise_install: false,
      enterprise: null,
    };
  }

  private async requireApp(botUserId: string): Promise<InteractiveApp> {
    const app = await this.repository.appOfBot(botUserId);
    if (!app) throw new SlackError('not_allowed_token_type');
    return app;
  }

  /** The view shown on top of the person's own modal; 404 for anyone else's, 409 for one under the top. */
  private async requireOwnTop(viewId: string, userId: string): Promise<ViewRow> {
    const row = await this.repository.view(viewId);
    if (!row || row.userId !== userId) throw notFound('View');
    const top = await this.repository.topView(row.rootId);
    if (top?.id !== row.id) throw conflict('Another view of this modal is shown');
    return row;
  }

  private async pushOn(below: ViewRow, view: Record<string, unknown>) {
    const row: ViewRow = { ...below, id: newId(), depth: below.depth + 1, view, hash: short() };
    await this.repository.insertView(row);
    return this.show(row);
  }

  private async replace(row: ViewRow, view: Record<string, unknown>) {
    const updated = { ...row, view, hash: short() };
    await this.repository.replaceView(row.id, view, updated.hash);
    return this.show(updated);
  }

  /** Closes the views from `depth` up; the one below, if any, is shown again. */
  private async closeFrom(row: ViewRow, depth: number): Promise<void> {
    await this.repository.deleteFrom(row.rootId, depth);
    const below = depth > 0 ? await this.repository.topView(row.rootId) : undefined;
    if (below) {
      await this.show(below);
      return;
    }
    this.frame(row.userId, { type: 'view.closed', rootViewId: row.rootId });
  }

  /** Sends the view to the person's browsers (the top of its modal) and answers it in Slack's shape. */
  private async show(row: ViewRow) {
    this.frame(row.userId, {
      type: 'view.opened',
      view: { id: row.id, rootViewId: row.rootId, hash: row.hash, ...row.view },
    });
    return this.slackView(row, {});
  }

  private frame(userId: string, frame: Record<string, unknown>): void {
    this.bus.publishEphemeral({ kind: 'user_frame', userId, frame }, true);
  }

  /** A view as Slack describes it to apps. */
  private async slackView(row: ViewRow, values: Record<string, unknown>) {
    const previous = row.depth > 0 ? await this.repository.viewAt(row.rootId, row.depth - 1) : undefined;
    const teamId = slackId('T', row.workspaceId);
    return {
      id: slackId('V', row.id),
      team_id: teamId,
      type: 'modal',
      private_metadata: '',
      callback_id: '',
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
      ...row.view,
      state: { values },
      hash: row.hash,
      previous_view_id: previous ? slackId('V', previous.id) : null,
      root_view_id: slackId('V', row.rootId),
      app_id: row.appId ? slackId('A', row.appId) : null,
      app_installed_team_id: teamId,
      bot_id: slackId('B', row.botUserId),
    };
  }
}

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An app's `errors` answer: messages by block_id (strings only). */
function stringsOf(errors: unknown): Record<string, string> {
  if (typeof errors !== 'object' || errors === null) return {};
  return Object.fromEntries(
    Object.entries(errors).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

const callbackOf = (row: ViewRow): string =>
  typeof row.view.callback_id === 'string' ? row.view.callback_id : '';
