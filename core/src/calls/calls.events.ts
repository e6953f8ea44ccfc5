import type { CallView } from './calls.schemas';

export type CallEvent = CallView & { workspaceId: string };
export type CallParticipantEvent = CallEvent & { userId: string };

export interface CallEvents {
  /** A DM call's start is how the other person is rung: they get it on their socket. */
  'call.started': CallEvent;
  'call.participant_joined': CallParticipantEvent;
  'call.participant_left': CallParticipantEvent;
  'call.ended': CallEvent;
}
