import { MAX_NOTIFY_BYTES, packPayloads, PayloadUnpacker } from './notify-packing';

const sender = '6c1f1d3e-3a8e-4b8e-9d57-0d8d2c6f1a10';
const receiver = 'f0a0e7f2-9a55-4c55-8c3e-7c3b2f9e0b21';
const serialize = (messages: unknown[]) => messages.map((message) => JSON.stringify(message));

function roundTrip(payloads: string[], unpacker = new PayloadUnpacker(receiver)): unknown[] {
  return payloads.flatMap((payload) => unpacker.unpack(payload, 0));
}

describe('NOTIFY payload packing', () => {
  it('puts a burst of small messages in one payload, in order', () => {
    const messages = Array.from({ length: 40 }, (_, index) => ({ kind: 'signal', index }));
    const payloads = packPayloads(sender, serialize(messages));
    expect(payloads).toHaveLength(1);
    expect(roundTrip(payloads)).toEqual(messages);
  });

  it('splits runs at the size limit and fragments a message too big for one payload', () => {
    // A large SDP with multi-byte characters, between small messages: everything arrives, in order.
    const sdp = `v=0\r\n${'a=candidate:ø 1 udp 2122260223 127.0.0.1 50000 typ host\r\n'.repeat(600)}`;
    const messages = [
      ...Array.from({ length: 300 }, (_, index) => ({ kind: 'typing', index, pad: 'x'.repeat(50) })),
      { kind: 'user_frame', frame: { type: 'call.signal', signal: { type: 'offer', sdp } } },
      { kind: 'presence', statuses: [['u', 'online']] },
    ];
    const payloads = packPayloads(sender, serialize(messages));
    expect(payloads.length).toBeGreaterThan(3);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(MAX_NOTIFY_BYTES + 1);
    expect(roundTrip(payloads)).toEqual(messages);
  });

  it('skips its own payloads without parsing them', () => {
    expect(roundTrip(packPayloads(receiver, serialize([{ kind: 'x' }])))).toEqual([]);
  });

  it('forgets a message whose remaining fragments never come', () => {
    const big = [{ kind: 'big', data: 'y'.repeat(20_000) }];
    const [first, ...rest] = packPayloads(sender, serialize(big));
    const unpacker = new PayloadUnpacker(receiver);
    expect(unpacker.unpack(first, 0)).toEqual([]);
    // Much later the rest arrives (or a retry): the stale start is gone, so nothing half-built comes out.
    expect(rest.flatMap((payload) => unpacker.unpack(payload, 60_000))).toEqual([]);
  });
});
