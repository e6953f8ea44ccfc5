import { callViewSchema } from '@jokkaer/sdk-plugin';

export interface CallView {
  id: string;
  channelId: string;
  /** Who is in the call now. */
  participants: string[];
}

/** RTCIceServer as the browser takes it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** `{type: "call.signal", callId, to, signal}` from a socket: an SDP description or an ICE candidate. */
export const callSignalFrameSchema = {
  type: 'object',
  properties: {
    type: { const: 'call.signal' },
    callId: { type: 'string', format: 'uuid' },
    to: { type: 'string', format: 'uuid' },
    signal: { type: 'object', maxProperties: 10 },
  },
  required: ['type', 'callId', 'to', 'signal'],
  additionalProperties: false,
} as const;

/** What `POST /channels/:channelId/calls` answers: the call joined and the ICE servers to reach its peers. */
export const callJoinSchema = {
  title: 'CallJoin',
  type: 'object',
  properties: {
    call: callViewSchema,
    iceServers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          urls: { type: 'array', items: { type: 'string' } },
          username: { type: 'string' },
          credential: { type: 'string' },
        },
        required: ['urls'],
        additionalProperties: false,
      },
    },
  },
  required: ['call', 'iceServers'],
  additionalProperties: false,
} as const;
