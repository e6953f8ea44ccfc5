import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { hashToken } from '../auth/tokens';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { LOGGER } from '../common/logger';
import { badRequest, conflict, notFound, ProblemException } from '../common/problem';
import type { ProblemField } from '../common/problem';
import { formErrors } from '../common/validation';
import { EgressClient } from '../egress/egress.client';
import { EventBus } from '../events/event-bus';
import { slackSignature } from '../webhooks/webhook-signature';
import { optionsOf } from './block-kit';
import { viewSchema } from './block-kit.schemas';
import type { Block } from './block-kit.schemas';
import { InteractiveApp, InteractivityRepository, ViewRow } from './interactivity.repository';
import { nativeId, slackId } from './slack-ids';
import { SlackError } from './slack.schemas';
import type { ViewSubmitBody } from './slack.schemas';
import { SlackSocketMode } from './socket-mode';

/** Slack gives an app 3 s to acknowledge an interaction, and a trigger_id is good for 3 s. */
const ANSWER_TIMEOUT_MS = 3000;
const TRIGGER_TTL_MS = 3000;

/** What an app answered to an interaction (its acknowledgement's body), or why it did not. */
export type Delivery = { answered: true; answer: unknown } | { answered: false; reason: string };

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
function viewState(view: Record<string, unknown>, values: Values) {
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
    if (empty && !block.optional) errors.push({ path, message: 'is required' });
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
    formErrors(viewSchema, {});
  }

  appOfBot(botUserId: string): Promise<InteractiveApp | undefined> {
    return this.repository.appOfBot(botUserId);
  }

  /** A single-use trigger_id for `userId`, good for 3 s, that only this app may use (stored hashed). */
  async issueTrigger(app: { appId: string; workspaceId: string }, userId: string): Promise<string> {
    const now = this.clock.now();
    const raw = `${Math.floor(now / 1000)}.${randomBytes(16).toString('hex')}`;
    await this.repository.deleteExpiredTriggers(new Date(now));
    await this.repository.insertTrigger({
      tokenHash: hashToken(raw),
      appId: app.appId,
      userId,
      workspaceId: app.workspaceId,
      expiresAt: new Date(now + TRIGGER_TTL_MS),
    });
    return raw;
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
  private async takeTrigger(app: InteractiveApp, triggerId: unknown) {
    // The 3 s are the app's: they are counted when its call arrives, before any work on it.
    const now = this.clock.now();
    const trigger = await this.repository.takeTrigger(hashToken(String(triggerId)), app.appId);
    if (!trigger) throw new SlackError('invalid_trigger_id');
    if (trigger.expiresAt.getTime() <= now) throw new SlackError('expired_trigger_id');
    return trigger;
  }

  /** views.open: a modal for the person a trigger_id names (the trigger is used up). */
  async open(botUserId: string, args: Record<string, unknown>) {
    const app = await this.requireApp(botUserId);
    const trigger = await this.takeTrigger(app, args.trigger_id);
    const view = checkView(args.view, 'view');
    const id = newId();
    const row: ViewRow = {
      id,
      rootId: id,
      depth: 0,
      appId: app.appId,
      botUserId,
      userId: trigger.userId,
      workspaceId: trigger.workspaceId,
      view,
      hash: short(),
    };
    await this.repository.insertView(row);
    return { view: await this.show(row) };
  }

  /** views.push: a view above the top of the modal the trigger's person has open. */
  async push(botUserId: string, args: Record<string, unknown>) {
    const app = await this.requireApp(botUserId);
    const trigger = await this.takeTrigger(app, args.trigger_id);
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
    const app = await this.requireApp(row.botUserId);
    const delivery = await this.deliver(app, {
      type: 'view_submission',
      ...this.payloadBase(app, userId),
      trigger_id: await this.issueTrigger(app, userId),
      view: await this.slackView(row, state),
      response_urls: [],
    });
    if (!delivery.answered)
      throw new ProblemException(502, `The app did not take the submission: ${delivery.reason}`);
    const answer = (delivery.answer ?? {}) as { response_action?: unknown; errors?: unknown; view?: unknown };
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

  /** `POST /api/v1/views/:viewId/close`: the person closed it; `view_closed` to the app if it asked. */
  async close(viewId: string, userId: string): Promise<void> {
    const row = await this.requireOwnTop(viewId, userId);
    const clear = row.view.clear_on_close === true;
    await this.closeFrom(row, clear ? 0 : row.depth);
    if (row.view.notify_on_close !== true) return;
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
      app_id: slackId('A', row.appId),
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
