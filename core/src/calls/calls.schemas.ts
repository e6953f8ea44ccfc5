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
