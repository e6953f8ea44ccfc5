import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';

export class EgressRefused extends Error {}

export interface EgressRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface EgressResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface EgressOptions {
  /** Hostnames the caller may reach: exact, or `*.example.com` for subdomains. Omitted: any public host. */
  allowedHosts?: string[];
  timeoutMs?: number;
  maxResponseBytes?: number;
}

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * The one HTTP client for server-side requests to the outside. It resolves the host itself and refuses every
 * address that is not public unicast (loopback, private, link-local, CGNAT, multicast, reserved, NAT64, 6to4,
 * IPv4-mapped forms of those…), then connects to exactly the address it checked, so DNS cannot be rebound in
 * between. Redirects are not followed. Timeouts and a response size cap always apply.
 */
@Injectable()
export class EgressClient {
  private readonly allowedNetworks: [Parsed, number][];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Development and tests only (for example 127.0.0.0/8): empty by default.
    this.allowedNetworks = config.egressAllowNetworks.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  async fetch(url: string, init: EgressRequest = {}, options: EgressOptions = {}): Promise<EgressResponse> {
    const target = this.parseUrl(url);
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    if (options.allowedHosts && !options.allowedHosts.some((pattern) => hostMatches(pattern, hostname))) {
      throw new EgressRefused(`${hostname} is not an allowed host`);
    }
    const address = await this.resolve(hostname);
    const pinned: LookupFunction = (_host, _options, callback) =>
      callback(null, [{ address: address.toString(), family: address.kind() === 'ipv6' ? 6 : 4 }]);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<EgressResponse>((resolve, reject) => {
      const req = send(
        target,
        { method: init.method ?? 'GET', headers: init.headers, lookup: pinned, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              req.destroy(new EgressRefused(`response larger than ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: Object.fromEntries(
                Object.entries(res.headers).map(([name, value]) => [
                  name,
                  Array.isArray(value) ? value.join(', ') : (value ?? ''),
                ]),
              ),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new EgressRefused(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(init.body);
    });
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
    const addresses = ipaddr.isValid(hostname)
      ? [hostname]
      : (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
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
