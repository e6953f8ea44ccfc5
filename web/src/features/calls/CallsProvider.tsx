import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  lazy,
  Suspense,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { useRealtime } from '../../app/realtime';
import { session } from '../../lib/session';
import { findChannel } from '../unread/cache';
import { IncomingCall } from './IncomingCall';

// The call window (WebRTC, media, the grid) loads only when a call starts: it stays out of the initial bundle.
const CallWindow = lazy(() => import('./CallWindow'));

export interface CallTarget {
  workspaceId: string;
  channelId: string;
}

/** Someone started a call in a direct conversation the person is in, and they have not joined it. */
export interface Ring extends CallTarget {
  callId: string;
  callerId: string;
}

interface CallsValue {
  /** The call this tab is in (or joining), if any. */
  active: CallTarget | undefined;
  /** Running calls this tab has heard of, by channel: who is in each. */
  running: ReadonlyMap<string, string[]>;
  ringing: Ring | undefined;
  join: (target: CallTarget) => void;
  decline: () => void;
  /** The call window left the call (or failed to join it). */
  ended: () => void;
}

const CallsContext = createContext<CallsValue | null>(null);

export function useCalls(): CallsValue {
  const value = useContext(CallsContext);
  if (!value) throw new Error('useCalls outside CallsProvider');
  return value;
}

/**
 * Calls for the signed-in person: which calls run (from the socket's call events), the ring of a DM call,
 * and the one call this tab is in, whose window is loaded on demand.
 */
export function CallsProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const connection = useRealtime();
  const [active, setActive] = useState<CallTarget>();
  const [running, setRunning] = useState<ReadonlyMap<string, string[]>>(new Map());
  const [ringing, setRinging] = useState<Ring>();
  useEffect(() => {
    if (!connection) return;
    return connection.listen((frame) => {
      if (!frame.type.startsWith('call.') || frame.type === 'call.signal' || !('data' in frame)) return;
      const call = frame.data as {
        id: string;
        channelId: string;
        workspaceId: string;
        participants: string[];
      };
      const myId = session.get()?.user.id;
      setRunning((before) => {
        const next = new Map(before);
        if (frame.type === 'call.ended') next.delete(call.channelId);
        else next.set(call.channelId, call.participants);
        return next;
      });
      setRinging((ring) => {
        if (
          ring?.callId === call.id &&
          (frame.type === 'call.ended' || call.participants.includes(myId ?? ''))
        )
          return undefined;
        // The first person in a DM's call rings the others.
        const caller = (frame.data as { userId?: string }).userId;
        if (frame.type !== 'call.participant_joined' || !caller || caller === myId) return ring;
        if (call.participants.length !== 1) return ring;
        if (findChannel(client, call.workspaceId, call.channelId)?.kind !== 'dm') return ring;
        return {
          callId: call.id,
          workspaceId: call.workspaceId,
          channelId: call.channelId,
          callerId: caller,
        };
      });
    });
  }, [connection, client]);
  // Stable, so the call window's effects do not start over when the ring or the running calls change.
  const join = useCallback((target: CallTarget) => {
    setRinging(undefined);
    setActive((current) => current ?? target);
  }, []);
  const decline = useCallback(() => setRinging(undefined), []);
  const ended = useCallback(() => setActive(undefined), []);
  const value = useMemo<CallsValue>(
    () => ({
      active,
      running,
      ringing: ringing && ringing.channelId !== active?.channelId ? ringing : undefined,
      join,
      decline,
      ended,
    }),
    [active, running, ringing, join, decline, ended],
  );
  return (
    <CallsContext.Provider value={value}>
      {children}
      {value.ringing && <IncomingCall ring={value.ringing} />}
      {active && (
        <Suspense fallback={null}>
          <CallWindow key={active.channelId} target={active} />
        </Suspense>
      )}
    </CallsContext.Provider>
  );
}
