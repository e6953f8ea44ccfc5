import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config/config';
import { EgressClient, EgressRefused } from './egress.client';

const client = (allow: string[] = []) => new EgressClient(loadConfig({}, { egressAllowNetworks: allow }));

describe('EgressClient', () => {
  describe('with the allowlist off (production)', () => {
    const egress = client();
    it.each([
      ['http://127.0.0.1/', 'loopback'],
      ['http://localhost/', 'loopback'],
      ['http://[::1]/', 'loopback'],
      ['http://[::ffff:127.0.0.1]/', 'loopback'],
      ['http://[::ffff:10.0.0.1]/', 'private'],
      ['http://0.0.0.0/', 'unspecified'],
      ['http://169.254.169.254/', 'linkLocal'],
      ['http://[fe80::1]/', 'linkLocal'],
      ['http://10.0.0.1/', 'private'],
      ['http://172.16.5.4/', 'private'],
      ['http://192.168.1.1/', 'private'],
      ['http://[fd00::1]/', 'uniqueLocal'],
      ['http://100.64.0.1/', 'carrierGradeNat'],
      ['http://224.0.0.1/', 'multicast'],
      ['http://240.0.0.1/', 'reserved'],
      ['http://255.255.255.255/', 'broadcast'],
      ['http://[64:ff9b::a9fe:a9fe]/', 'rfc6052'],
      ['http://[2002:7f00:1::1]/', '6to4'],
      ['http://[2001::1]/', 'teredo'],
      ['http://2130706433/', 'loopback'],
      ['http://0177.0.0.1/', 'loopback'],
      ['http://0x7f000001/', 'loopback'],
      ['http://127.1/', 'loopback'],
    ])('refuses %s (%s)', async (url, range) => {
      await expect(egress.fetch(url)).rejects.toBeInstanceOf(EgressRefused);
      await expect(egress.check(url)).rejects.toThrow(new RegExp(`a ${range} address`));
    });

    it.each([
      ['ftp://example.com/', 'only http and https'],
      ['file:///etc/passwd', 'only http and https'],
      ['http://user:secret@example.com/', 'credentials in URLs are not allowed'],
      ['not a url', 'not a URL'],
    ])('refuses %s', async (url, reason) => {
      await expect(egress.check(url)).rejects.toThrow(reason);
    });

    it('refuses a name that resolves to a private address, even if it also has a public one', async () => {
      const lookup = jest.spyOn(egress, 'lookupHost');
      lookup.mockResolvedValueOnce(['10.1.2.3']);
      await expect(egress.check('https://intranet.example.com/')).rejects.toThrow(
        'intranet.example.com resolves to a private address',
      );
      lookup.mockResolvedValueOnce(['93.184.215.14', '192.168.0.10']);
      await expect(egress.check('https://split.example.com/')).rejects.toThrow('a private address');
      lookup.mockResolvedValueOnce([]);
      await expect(egress.check('https://nowhere.example.com/')).rejects.toThrow('does not resolve');
      lookup.mockResolvedValueOnce(['93.184.215.14']);
      await expect(egress.check('https://example.com/')).resolves.toMatchObject({});
      lookup.mockRestore();
    });

    it('keeps callers to their allowed hosts', async () => {
      await expect(
        egress.check('https://evil.example.org/', ['api.example.com', '*.example.net']),
      ).rejects.toThrow('evil.example.org is not an allowed host');
      const lookup = jest.spyOn(egress, 'lookupHost').mockResolvedValue(['93.184.215.14']);
      await expect(egress.check('https://a.example.net/', ['*.example.net'])).resolves.toBeDefined();
      await expect(egress.check('https://example.net/', ['*.example.net'])).rejects.toThrow(
        'not an allowed host',
      );
      lookup.mockRestore();
    });
  });

  describe('against a local server (allowlisted, as in development)', () => {
    let server: Server;
    let base: string;
    const hits: string[] = [];
    // Every byte value, so bytes that are not UTF-8 are among them, then noise: a file no text decoding survives.
    const binary = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)),
      randomBytes(200_000),
    ]);
    const egress = client(['127.0.0.1/32']);

    beforeAll(async () => {
      server = createServer((request, response) => {
        hits.push(request.url ?? '');
        if (request.url === '/redirect') {
          response.writeHead(302, { location: `${base}/secret` }).end();
        } else if (request.url === '/binary') {
          response.writeHead(200, { 'content-type': 'application/octet-stream' });
          // In several writes, so the body arrives in chunks that split multi-byte sequences.
          for (let offset = 0; offset < binary.length; offset += 7_001)
            response.write(binary.subarray(offset, offset + 7_001));
          response.end();
        } else if (request.url === '/big') {
          response.writeHead(200).end('x'.repeat(100_000));
        } else if (request.url === '/slow') {
          response.writeHead(200);
          response.write('partial'); // headers and a little body, then nothing: the deadline still applies
        } else {
          response.writeHead(200, { 'x-echo': request.method ?? '' }).end('fine');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('fetches, and still refuses networks outside the allowlist', async () => {
      await expect(egress.fetch(`${base}/ok`, { method: 'POST', body: '{}' })).resolves.toMatchObject({
        status: 200,
        body: 'fine',
        headers: { 'x-echo': 'POST' },
      });
      await expect(egress.fetch('http://[::1]/')).rejects.toThrow('a loopback address');
      await expect(egress.fetch('http://127.0.0.2/')).rejects.toThrow('a loopback address');
    });

    it('downloads a binary file byte-identical', async () => {
      const response = await egress.fetch(`${base}/binary`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/octet-stream');
      expect(response.bytes.length).toBe(binary.length);
      expect(response.bytes.equals(binary)).toBe(true);
    });

    it('sends a POST without a body, and connects to the checked address whatever the name', async () => {
      await expect(egress.fetch(`${base}/ok`, { method: 'POST' })).resolves.toMatchObject({
        status: 200,
        headers: { 'x-echo': 'POST' },
      });
      const lookup = jest.spyOn(egress, 'lookupHost').mockResolvedValue(['127.0.0.1']);
      const named = await egress.fetch(base.replace('127.0.0.1', 'pinned.example.com') + '/ok');
      expect(named).toMatchObject({ status: 200, body: 'fine' });
      lookup.mockRestore();
    });

    it('returns a redirect as it is and never contacts its target', async () => {
      const response = await egress.fetch(`${base}/redirect`);
      expect(response.status).toBe(302);
      expect(hits).not.toContain('/secret');
    });

    it('caps the response size, or truncates when asked', async () => {
      await expect(egress.fetch(`${base}/big`, {}, { maxResponseBytes: 1000 })).rejects.toThrow(
        'response larger than 1000 bytes',
      );
      const truncated = await egress.fetch(
        `${base}/big`,
        {},
        { maxResponseBytes: 1000, truncateResponse: true },
      );
      expect(truncated.body).toHaveLength(1000);
    });

    it('gives up on a server that stalls mid-answer at the deadline', async () => {
      const started = Date.now();
      await expect(egress.fetch(`${base}/slow`, {}, { timeoutMs: 300 })).rejects.toThrow(
        'no complete answer within 300 ms',
      );
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });
});
