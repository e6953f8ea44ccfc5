import { Webhook } from 'standardwebhooks';
import { generateSecret, signatureHeader } from './webhook-signature';

describe('webhook signatures', () => {
  it('makes secrets of whsec_ and 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('signs so that the official Standard Webhooks library verifies, with either secret during rotation', () => {
    const [current, previous, stranger] = [generateSecret(), generateSecret(), generateSecret()];
    const body = JSON.stringify({ type: 'message.created', timestamp: '2026-01-01T00:00:00.000Z', data: {} });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader([current, previous], 'msg_1', timestamp, body),
    };
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace('{}', '{"x":1}'), headers)).toThrow();
  });
});
