import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, data } from '../../lib/api/client';
import { uuidOfSlackId } from './slack-ids';
import type { BlockAction, BlockElement, OptionObject, TextObject } from './types';

/** What a control's use sends: its ids, and the choice it made (a button's value is the server's to know). */
function actionBody(action: BlockAction) {
  const value = action.value ?? '';
  const chosen: Record<string, Record<string, string | undefined>> = {
    button: {},
    static_select: { selectedOption: value },
    overflow: { selectedOption: value },
    users_select: { selectedUser: uuidOfSlackId(value, 'UWB') },
    conversations_select: { selectedChannel: uuidOfSlackId(value, 'CGD') },
    datepicker: { selectedDate: value },
  };
  return { blockId: action.blockId ?? '', actionId: action.actionId ?? '', ...chosen[action.type] };
}

/** A click or choice on an app's message, sent to the app that posted it (Slack's block_actions). */
export async function sendAction(messageId: string, action: BlockAction): Promise<void> {
  await data(
    api.POST('/api/v1/messages/{messageId}/actions', {
      params: { path: { messageId } },
      body: actionBody(action),
    }),
  );
}

/** A click or choice inside a modal, with what its inputs hold: block_actions with the view, to its app. */
export async function sendViewAction(viewId: string, action: BlockAction, values: ViewValues): Promise<void> {
  await data(
    api.POST('/api/v1/views/{viewId}/actions', {
      params: { path: { viewId } },
      body: { ...actionBody(action), values },
    }),
  );
}

/** An input block of a modal: a label and the element the person fills in. */
export interface InputBlock {
  type: 'input';
  block_id: string;
  label: TextObject;
  hint?: TextObject;
  optional?: boolean;
  element: BlockElement & {
    multiline?: boolean;
    initial_value?: string;
    initial_options?: OptionObject[];
  };
}

/** The view an app shows in this person's browser (the top of one modal), as the socket's `view.opened` gives it. */
export interface AppView {
  id: string;
  rootViewId: string;
  /** Changes with each new content of the view. */
  hash: string;
  title: TextObject;
  submit?: TextObject;
  close?: TextObject;
  blocks: ({ type: string } & Record<string, unknown>)[];
}

const viewsKey = ['app-views'] as const;

/** The socket's `view.opened` and `view.closed`: the modals apps have open for this person, top view of each. */
export function applyViewFrame(
  client: QueryClient,
  frame: { type: 'view.opened'; view: AppView } | { type: 'view.closed'; rootViewId: string },
): void {
  client.setQueryData<AppView[]>(viewsKey, (views = []) => {
    const rootViewId = frame.type === 'view.opened' ? frame.view.rootViewId : frame.rootViewId;
    const others = views.filter((view) => view.rootViewId !== rootViewId);
    return frame.type === 'view.opened' ? [...others, frame.view] : others;
  });
}

/** The modal to show: the one an app opened last. */
export function useOpenView(): AppView | undefined {
  // Only the socket fills it: a resync's refetch must not empty it.
  const views = useQuery<AppView[]>({
    queryKey: viewsKey,
    queryFn: () => [],
    enabled: false,
    initialData: [],
  });
  return views.data?.at(-1);
}

export type ViewValues = Record<string, Record<string, string | string[] | null>>;

export function submitView(viewId: string, values: ViewValues) {
  return data(api.POST('/api/v1/views/{viewId}/submit', { params: { path: { viewId } }, body: { values } }));
}

export function closeView(viewId: string) {
  return data(api.POST('/api/v1/views/{viewId}/close', { params: { path: { viewId } } }));
}
