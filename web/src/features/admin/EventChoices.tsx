import type { paths } from '../../lib/api/schema';

export type EventName =
  paths['/api/v1/workspaces/{workspaceId}/webhooks']['post']['requestBody']['content']['application/json']['events'][number];

/** The events a webhook or an app may subscribe to, as the contract names them. */
const EVENTS: EventName[] = [
  'message.created',
  'message.updated',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
  'channel.created',
  'channel.updated',
  'channel.archived',
  'channel.member_joined',
  'channel.member_left',
  'workspace.member_joined',
  'workspace.member_left',
  'file.uploaded',
  'call.started',
  'call.ended',
];

/** Checkboxes named `events`, one per event. */
export function EventChoices({ legend, checked = [] }: { legend: string; checked?: EventName[] }) {
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {EVENTS.map((name) => (
        <label key={name} className="checkbox">
          <input type="checkbox" name="events" value={name} defaultChecked={checked.includes(name)} />
          <code>{name}</code>
        </label>
      ))}
    </fieldset>
  );
}
