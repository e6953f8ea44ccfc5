import type { CallSignal, CallSignalFrame, RealtimeConnection } from '../../lib/realtime';

export type PeerState = 'connecting' | 'connected' | 'reconnecting';

export interface PeerView {
  userId: string;
  stream: MediaStream | undefined;
  state: PeerState;
}

interface Peer {
  connection: RTCPeerConnection;
  stream: MediaStream | undefined;
  /** The side that made the first offer makes the ICE-restart offers too, so the two never offer at once. */
  offerer: boolean;
  /** Signals apply in arrival order; candidates wait for the remote description. */
  applied: Promise<void>;
  early: RTCIceCandidateInit[];
}

const peerState = (connection: RTCPeerConnection): PeerState =>
  connection.connectionState === 'connected'
    ? 'connected'
    : connection.connectionState === 'disconnected' || connection.connectionState === 'failed'
      ? 'reconnecting'
      : 'connecting';

/**
 * One person's side of a mesh call: their camera and microphone, and one RTCPeerConnection per other
 * participant, negotiated through the server's `call.signal` relay. Whoever joins offers to those already
 * there; a connection that drops, or signals lost while the socket was down, is renegotiated with an ICE
 * restart by the side that offered first.
 */
export class CallSession {
  private readonly peers = new Map<string, Peer>();
  private camera: MediaStreamTrack | undefined;
  private screen: MediaStreamTrack | undefined;
  private closed = false;

  constructor(
    private readonly callId: string,
    private readonly connection: RealtimeConnection,
    readonly local: MediaStream,
    private readonly iceServers: RTCIceServer[],
    private readonly changed: () => void,
  ) {
    this.camera = local.getVideoTracks()[0];
  }

  /** Offers a connection to each participant already in the call. */
  async connectTo(userIds: string[]): Promise<void> {
    await Promise.all(userIds.map((userId) => this.offer(this.peerFor(userId, true))));
  }

  receive(frame: CallSignalFrame): void {
    if (frame.callId !== this.callId || this.closed) return;
    const peer = this.peerFor(frame.from, false);
    const { connection } = peer;
    const signal = frame.signal;
    peer.applied = peer.applied
      .then(async () => {
        if (signal.type === 'candidate') {
          if (connection.remoteDescription) await connection.addIceCandidate(signal.candidate);
          else peer.early.push(signal.candidate);
          return;
        }
        await connection.setRemoteDescription({ type: signal.type, sdp: signal.sdp });
        for (const candidate of peer.early.splice(0)) await connection.addIceCandidate(candidate);
        if (signal.type === 'offer') {
          await connection.setLocalDescription(await connection.createAnswer());
          this.send(frame.from, { type: 'answer', sdp: connection.localDescription?.sdp ?? '' });
        }
      })
      .catch(() => undefined); // a stale signal (from before a restart) is dropped; the next offer heals it
  }

  /** Someone left: their connection closes and their tile goes. */
  drop(userId: string): void {
    this.peers.get(userId)?.connection.close();
    if (this.peers.delete(userId)) this.changed();
  }

  /** The socket is back: whatever was still negotiating may have lost signals, so it starts over. */
  renegotiate(): void {
    for (const peer of this.peers.values()) {
      if (peer.offerer && peer.connection.connectionState !== 'connected') void this.offer(peer, true);
    }
  }

  views(): PeerView[] {
    return [...this.peers].map(([userId, peer]) => ({
      userId,
      stream: peer.stream,
      state: peerState(peer.connection),
    }));
  }

  get muted(): boolean {
    return !this.local.getAudioTracks().some((track) => track.enabled);
  }

  get cameraOff(): boolean {
    return !this.camera?.enabled;
  }

  get sharing(): boolean {
    return this.screen !== undefined;
  }

  setMuted(muted: boolean): void {
    for (const track of this.local.getAudioTracks()) track.enabled = !muted;
    this.changed();
  }

  setCameraOff(off: boolean): void {
    if (this.camera) this.camera.enabled = !off;
    this.changed();
  }

  /** Sends the screen (getDisplayMedia) instead of the camera, until stopped here or by the browser's own bar. */
  async shareScreen(): Promise<void> {
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true });
    const track = display.getVideoTracks()[0];
    if (!track) return;
    this.screen = track;
    track.addEventListener('ended', () => void this.stopSharing());
    await this.useVideo(track);
  }

  async stopSharing(): Promise<void> {
    const screen = this.screen;
    this.screen = undefined;
    screen?.stop();
    if (this.camera) await this.useVideo(this.camera);
    else this.changed();
  }

  /** Switches the microphone or the camera to another device, for every connection at once. */
  async useDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    const constraint = { deviceId: { exact: deviceId } };
    const media = await navigator.mediaDevices.getUserMedia(
      kind === 'audioinput' ? { audio: constraint } : { video: constraint },
    );
    const [track] = media.getTracks();
    if (!track) return;
    if (kind === 'audioinput') {
      const previous = this.local.getAudioTracks()[0];
      track.enabled = previous?.enabled ?? true;
      await this.replace(previous, track);
    } else {
      track.enabled = this.camera?.enabled ?? true;
      const previous = this.camera;
      this.camera = track;
      if (this.screen) previous?.stop();
      else await this.replace(previous, track);
    }
  }

  close(): void {
    this.closed = true;
    for (const peer of this.peers.values()) peer.connection.close();
    this.peers.clear();
    for (const track of this.local.getTracks()) track.stop();
    this.camera?.stop();
    this.screen?.stop();
  }

  private async useVideo(track: MediaStreamTrack): Promise<void> {
    const shown = this.local.getVideoTracks()[0];
    if (shown) this.local.removeTrack(shown);
    this.local.addTrack(track);
    await Promise.all(
      [...this.peers.values()].flatMap(({ connection }) =>
        connection
          .getSenders()
          .filter((sender) => sender.track?.kind === 'video' || sender === videoSender(connection))
          .map((sender) => sender.replaceTrack(track)),
      ),
    );
    this.changed();
  }

  private async replace(previous: MediaStreamTrack | undefined, track: MediaStreamTrack): Promise<void> {
    if (previous) {
      this.local.removeTrack(previous);
      previous.stop();
    }
    this.local.addTrack(track);
    await Promise.all(
      [...this.peers.values()].flatMap(({ connection }) =>
        connection
          .getSenders()
          .filter((sender) => sender.track === previous || sender.track?.kind === track.kind)
          .map((sender) => sender.replaceTrack(track)),
      ),
    );
    this.changed();
  }

  private peerFor(userId: string, offerer: boolean): Peer {
    const existing = this.peers.get(userId);
    if (existing) return existing;
    const connection = new RTCPeerConnection({ iceServers: this.iceServers });
    for (const track of this.local.getTracks()) connection.addTrack(track, this.local);
    const peer: Peer = { connection, stream: undefined, offerer, applied: Promise.resolve(), early: [] };
    connection.onicecandidate = ({ candidate }) => {
      if (candidate) this.send(userId, { type: 'candidate', candidate: candidate.toJSON() });
    };
    connection.ontrack = ({ streams }) => {
      peer.stream = streams[0];
      this.changed();
    };
    connection.onconnectionstatechange = () => {
      if (connection.connectionState === 'failed' && peer.offerer) void this.offer(peer, true);
      this.changed();
    };
    this.peers.set(userId, peer);
    this.changed();
    return peer;
  }

  private async offer(peer: Peer, iceRestart = false): Promise<void> {
    const userId = [...this.peers].find(([, candidate]) => candidate === peer)?.[0];
    if (!userId || this.closed) return;
    const { connection } = peer;
    await connection.setLocalDescription(await connection.createOffer({ iceRestart }));
    this.send(userId, { type: 'offer', sdp: connection.localDescription?.sdp ?? '' });
  }

  private send(to: string, signal: CallSignal): void {
    this.connection.send({ type: 'call.signal', callId: this.callId, to, signal });
  }
}

/** The connection's video sender, also when the camera was off from the start (no track on it yet). */
function videoSender(connection: RTCPeerConnection): RTCRtpSender | undefined {
  return connection.getTransceivers().find((transceiver) => transceiver.receiver.track.kind === 'video')
    ?.sender;
}
