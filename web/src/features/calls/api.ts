import { api, data } from '../../lib/api/client';

/** Starts the channel's call or joins the running one: the call and the ICE servers (TURN credentials included). */
export const joinCall = (channelId: string) =>
  data(api.POST('/api/v1/channels/{channelId}/calls', { params: { path: { channelId } } }));

export const leaveCall = (callId: string) =>
  data(api.POST('/api/v1/calls/{callId}/leave', { params: { path: { callId } } }));

/** Camera and microphone; with no camera (or none allowed), the microphone alone. */
export async function openMedia(): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch {
    return await navigator.mediaDevices.getUserMedia({ audio: true });
  }
}
