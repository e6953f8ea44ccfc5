import { lookup } from 'node:dns/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Inject, Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { badRequest } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';

export class EgressRefused extends Error {}

export interface EgressRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface EgressResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body as received, for binary answers (images). */
  bytes: Buffer;
}

export interface EgressOptions {
  /** Hostnames the caller may reach: exact, or `*.example.com` for subdomains. Omitted: any public host. */
  allowedHosts?: string[];
  /** The whole exchange, connection to last byte (default 10 s). */
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Keep the first `maxResponseBytes` of a longer answer instead of failing (logs that show an excerpt). */
  truncateResponse?: boolean;
}

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'HEAD' | 'DELETE' | 'OPTIONS' | 'TRACE';

/**
 * The one HTTP client for server-side requests to the outside. It resolves the host itself and refuses every
 * address that is not public unicast (loopback, private, link-local, CGNAT, multicast, reserved, NAT64, 6to4,
 * IPv4-mapped forms of those…), then connects to exactly the address it checked, so DNS cannot be rebound in
 * between. Redirects are not followed: a 3xx is returned as it is, and its target is never contacted.
 * A deadline for the whole exchange and a response size cap always apply. Built on got, with its retries off:
 * a caller that retries (the webhook queue) decides when.
 */
@Injectable()
export class EgressClient {
  private readonly allowedNetworks: [Parsed, number][];
  /** got is ESM only: loaded as the client is made, so no request waits for the import. */
  private readonly gotModule = import('got');

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Development and tests only (for example 127.0.0.0/8): empty by default.
    this.allowedNetworks = config.egressAllowNetworks.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  async fetch(url: string, init: EgressRequest = {}, options: EgressOptions = {}): Promise<EgressResponse> {
    const { target, address } = await this.check(url, options.allowedHosts);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
    const { got, TimeoutError } = await this.gotModule;
    const method = init.method ?? 'GET';
    const request = got.stream(target, {
      method: method as Method,
      // got would name itself; the caller's headers are sent as they are.
      headers: { 'user-agent': undefined, ...init.headers },
      body: init.body,
      dnsLookup: pinnedLookup(address),
      followRedirect: false,
      throwHttpErrors: false,
      retry: { limit: 0 },
      // Bytes as received: no Accept-Encoding asked for, nothing inflated behind the size cap.
      decompress: false,
      timeout: { request: timeoutMs },
    });
    // A stream with a method that may carry a body waits for one; without a body it has to be ended.
    if (init.body === undefined && !['GET', 'HEAD'].includes(method.toUpperCase())) request.end();
    return new Promise<EgressResponse>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let status = 0;
      let headers: Record<string, string> = {};
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        const bytes = Buffer.concat(chunks);
        resolve({ status, headers, body: bytes.toString('utf8'), bytes });
      };
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(
          error instanceof TimeoutError
            ? new EgressRefused(`no complete answer within ${timeoutMs} ms`)
            : error,
        );
      };
      request.on('response', (response: { statusCode: number; headers: IncomingHttpHeaders }) => {
        status = response.statusCode;
        headers = Object.fromEntries(
          Object.entries(response.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : (value ?? ''),
          ]),
        );
      });
      request.on('data', (chunk: Buffer) => {
        if (size + chunk.length <= maxBytes) {
          size += chunk.length;
          chunks.push(chunk);
          return;
        }
        if (options.truncateResponse) {
          chunks.push(chunk.subarray(0, maxBytes - size));
          size = maxBytes;
          finish();
        } else {
          fail(new EgressRefused(`response larger than ${maxBytes} bytes`));
        }
        request.destroy();
      });
      request.on('end', finish);
      request.on('error', fail);
    });
  }

  /**
   * Refuses a URL that may not be fetched (scheme, credentials, host not allowed, an address that is not
   * public), with the reason; otherwise returns it with the address to connect to. Also used to reject a
   * webhook URL when it is registered.
   */
  async check(url: string, allowedHosts?: string[]): Promise<{ target: URL; address: Parsed }> {
    const target = this.parseUrl(url);
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    if (allowedHosts && !allowedHosts.some((pattern) => hostMatches(pattern, hostname))) {
      throw new EgressRefused(`${hostname} is not an allowed host`);
    }
    return { target, address: await this.resolve(hostname) };
  }

  /**
   * For URLs a user registers (webhooks, app endpoints): a 400 naming the field and the reason when the URL
   * could never be fetched, so the mistake shows at once rather than in a delivery log.
   */
  async assertFetchable(url: string, path: string): Promise<void> {
    try {
      await this.check(url);
    } catch (error) {
      if (!(error instanceof EgressRefused)) throw error;
      throw badRequest('The URL cannot be used', [{ path, message: error.message }]);
    }
  }

  /** The addresses a name resolves to (a seam for tests of names that resolve to private addresses). */
  async lookupHost(hostname: string): Promise<string[]> {
    try {
      return (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      return [];
    }
  }

  private parseUrl(url: string): URL {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new EgressRefused('not a URL');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new EgressRefused('only http and https');
    if (target.username || target.password) throw new EgressRefused('credentials in URLs are not allowed');
    return target;
  }

  private async resolve(hostname: string): Promise<Parsed> {
    const addresses = ipaddr.isValid(hostname) ? [hostname] : await this.lookupHost(hostname);
    if (addresses.length === 0) throw new EgressRefused(`${hostname} does not resolve`);
    // Every address must pass: a name that resolves to one public and one private address is refused.
    const parsed = addresses.map((address) => ipaddr.process(address));
    for (const address of parsed) {
      const allowed = this.allowedNetworks.some(
        ([network, bits]) => address.kind() === network.kind() && address.match(network, bits),
      );
      if (!allowed && address.range() !== 'unicast') {
        throw new EgressRefused(`${hostname} resolves to a ${address.range()} address`);
      }
    }
    return parsed[0];
  }
}

function hostMatches(pattern: string, hostname: string): boolean {
  const host = hostname.toLowerCase();
  const wanted = pattern.toLowerCase();
  return wanted.startsWith('*.')
    ? host.endsWith(wanted.slice(1)) && host.length > wanted.length - 1
    : host === wanted;
}

/** A DNS lookup that answers every name with the one address already checked (the connection goes there). */
function pinnedLookup(address: Parsed) {
  const answer: LookupAddress = { address: address.toString(), family: address.kind() === 'ipv6' ? 6 : 4 };
  return (
    _hostname: string,
    options: LookupOptions,
    callback: (error: null, address: string | LookupAddress[], family?: number) => void,
  ) => (options.all ? callback(null, [answer]) : callback(null, answer.address, answer.family));
}
