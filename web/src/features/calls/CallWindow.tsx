import { MicOff, Volume2 } from 'lucide-react';
import { useEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useRealtime, useRealtimeStatus } from '../../app/realtime';
import type { ListenedFrame } from '../../lib/realtime';
import { useSession } from '../../lib/session';
import { useChannels } from '../sidebar/api';
import { useMembers } from '../workspaces/api';
import { joinCall, leaveCall, openMedia } from './api';
import { useCalls, type CallTarget } from './CallsProvider';
import { DevicePicker } from './DevicePicker';
import { CallSession, type PeerState } from './session';
import { useSpeaking } from './speaking';

interface TileProps {
  name: string;
  stream: MediaStream | undefined;
  self?: boolean;
  muted?: boolean;
  state?: PeerState;
}

/** One participant: their video (or their name alone until it comes), speaking indicator and connection state. */
function Tile({ name, stream, self = false, muted = false, state = 'connected' }: TileProps) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current && video.current.srcObject !== (stream ?? null))
      video.current.srcObject = stream ?? null;
  }, [stream]);
  const speaking = useSpeaking(stream, !muted);
  return (
    <li className={speaking ? 'call-tile speaking' : 'call-tile'}>
      {/* Their own voice is not played back to them; captions do not exist for live calls. */}
      <video ref={video} autoPlay playsInline muted={self} aria-hidden="true" />
      <span className="call-tile-name">
        {self ? t('calls.you', { name }) : name}
        {muted && (
          <span role="img" aria-label={t('calls.mutedLabel')}>
            <MicOff />
          </span>
        )}
        {speaking && (
          <span role="img" aria-label={t('calls.speaking')}>
            <Volume2 />
          </span>
        )}
      </span>
      {state !== 'connected' && <span className="call-tile-state">{t(`calls.peer.${state}`)}</span>}
    </li>
  );
}

/** A control that is on or off (aria-pressed), like mute. */
function Toggle({
  pressed,
  onToggle,
  children,
}: {
  pressed: boolean;
  onToggle: (on: boolean) => void;
  children: ReactNode;
}) {
  return (
    <button type="button" className="button" aria-pressed={pressed} onClick={() => onToggle(!pressed)}>
      {children}
    </button>
  );
}

/**
 * The call this tab is in: joins on open (camera and microphone first), shows everyone in a grid, and leaves
 * when closed. Signals and call events come from the realtime socket; a socket that was down renegotiates.
 */
export default function CallWindow({ target }: { target: CallTarget }) {
  const { t } = useTranslation();
  const connection = useRealtime();
  const status = useRealtimeStatus();
  const { ended } = useCalls();
  const myId = useSession()?.user.id ?? '';
  const members = useMembers(target.workspaceId).data;
  const channel = useChannels(target.workspaceId).data?.find(({ id }) => id === target.channelId);
  const [session, setSession] = useState<CallSession>();
  const [participants, setParticipants] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [, changed] = useReducer((version: number) => version + 1, 0);

  useEffect(() => {
    if (!connection) return;
    let cancelled = false;
    let joined: { id: string; session: CallSession } | undefined;
    // Frames that come before the session exists wait for it.
    const early: ListenedFrame[] = [];
    const handle = (frame: ListenedFrame) => {
      if (!joined) return void early.push(frame);
      if (frame.type === 'call.signal') return joined.session.receive(frame);
      if (frame.type !== 'call.participant_joined' && frame.type !== 'call.participant_left') return;
      if (frame.data.id !== joined.id) return;
      const { participants: present, userId } = frame.data;
      setParticipants(present);
      if (frame.type === 'call.participant_left') {
        if (userId === myId) ended();
        else joined.session.drop(userId);
      }
    };
    const stopListening = connection.listen(handle);
    let wasDown = false;
    const stopWatching = connection.watchStatus((next) => {
      if (next !== 'online') wasDown = true;
      else if (wasDown) joined?.session.renegotiate();
    });
    void (async () => {
      const local = await openMedia();
      if (cancelled) return local.getTracks().forEach((track) => track.stop());
      const { call, iceServers } = await joinCall(target.channelId).catch((failure: unknown) => {
        local.getTracks().forEach((track) => track.stop());
        throw failure;
      });
      const created = new CallSession(call.id, connection, local, iceServers, changed);
      joined = { id: call.id, session: created };
      if (cancelled) return;
      setSession(created);
      setParticipants(call.participants);
      early.splice(0).forEach(handle);
      await created.connectTo(call.participants.filter((userId) => userId !== myId));
    })().catch((failure: unknown) => {
      if (!cancelled) setError(failure);
    });
    return () => {
      cancelled = true;
      stopListening();
      stopWatching();
      joined?.session.close();
      if (joined) void leaveCall(joined.id).catch(() => undefined); // gone already: nothing to leave
    };
  }, [connection, target.channelId, myId, ended]);

  const nameOf = (userId: string) => members?.get(userId)?.displayName ?? '…';
  const title =
    channel?.kind === 'dm'
      ? t('calls.titleDirect', {
          names: (channel.memberIds ?? [])
            .filter((id) => id !== myId)
            .map(nameOf)
            .join(', '),
        })
      : t('calls.title', { channel: channel?.name ?? '' });
  const peers = session?.views() ?? [];
  const overall =
    status !== 'online' || peers.some((peer) => peer.state === 'reconnecting')
      ? 'reconnecting'
      : !session
        ? 'joining'
        : peers.length === 0 && participants.length <= 1
          ? 'alone'
          : peers.some((peer) => peer.state === 'connecting')
            ? 'connecting'
            : 'connected';
  return (
    <section className="call-window" aria-labelledby="call-title">
      <header className="panel-header">
        <h2 id="call-title">{title}</h2>
        <p className="call-status muted" role="status">
          {t(`calls.status.${overall}`)}
        </p>
      </header>
      {error !== undefined ? (
        <div className="call-error">
          <ErrorNote error={error} />
        </div>
      ) : (
        <ul className="call-grid" aria-label={t('calls.participants')}>
          {session && <Tile name={nameOf(myId)} stream={session.local} self muted={session.muted} />}
          {peers.map((peer) => (
            <Tile key={peer.userId} name={nameOf(peer.userId)} stream={peer.stream} state={peer.state} />
          ))}
        </ul>
      )}
      <div className="call-controls" role="toolbar" aria-label={t('calls.controls')}>
        {session && (
          <>
            <Toggle pressed={session.muted} onToggle={(on) => session.setMuted(on)}>
              {t('calls.mute')}
            </Toggle>
            <Toggle pressed={session.cameraOff} onToggle={(on) => session.setCameraOff(on)}>
              {t('calls.cameraOff')}
            </Toggle>
            {'getDisplayMedia' in navigator.mediaDevices && (
              <Toggle
                pressed={session.sharing}
                onToggle={(on) => void (on ? session.shareScreen() : session.stopSharing()).catch(setError)}
              >
                {t('calls.share')}
              </Toggle>
            )}
            <DevicePicker session={session} onError={setError} />
          </>
        )}
        <button type="button" className="button danger" onClick={ended}>
          {t('calls.leave')}
        </button>
      </div>
    </section>
  );
}
