import { applyDecorators, Header, Injectable } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { LRUCache } from 'lru-cache';
import { EgressClient } from '../egress/egress.client';
import { UNTRUSTED_CONTENT_HEADERS } from '../files/files.schemas';
import { AVATAR_CONTENT_TYPE, sniffImageType } from '../profiles/avatar-image';

/** How a fetched image is re-encoded: a bot's square icon, or a block's picture bounded in a message. */
export interface ImageEncoding {
  /** A short name for the cache key. */
  name: string;
  maxInputBytes: number;
  encode: (content: Buffer) => Promise<Buffer>;
}

const CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Images that posts name by URL (a webhook's `icon_url`, Block Kit's `image_url`), fetched through the egress
 * guard and re-encoded, so the browser never contacts their host (readers' addresses stay private, and the
 * page's CSP admits only its own images) and nothing but pixels reaches it. Kept by URL for an hour, failures
 * too, so readers do not each fetch it again.
 */
@Injectable()
export class RemoteImages {
  private readonly cache = new LRUCache<string, { image: Buffer | null }>({
    maxSize: CACHE_BYTES,
    sizeCalculation: (entry) => Math.max(1, entry.image?.length ?? 0),
    ttl: 60 * 60_000,
  });

  constructor(private readonly egress: EgressClient) {}

  /** The image re-encoded, or null when it could not be fetched as one. */
  async get(url: string, encoding: ImageEncoding): Promise<Buffer | null> {
    const key = `${encoding.name} ${url}`;
    let cached = this.cache.get(key);
    if (!cached) {
      cached = { image: await this.fetch(url, encoding) };
      this.cache.set(key, cached);
    }
    return cached.image;
  }

  private async fetch(url: string, encoding: ImageEncoding): Promise<Buffer | null> {
    try {
      const response = await this.egress.fetch(
        url,
        { headers: { accept: 'image/png, image/jpeg, image/gif, image/webp' } },
        { timeoutMs: 5000, maxResponseBytes: encoding.maxInputBytes },
      );
      if (response.status !== 200 || !sniffImageType(response.bytes)) return null;
      return await encoding.encode(response.bytes);
    } catch {
      return null; // refused by the guard, unreachable, too large or undecodable: no image
    }
  }
}

/** A route answering such an image: WebP, cached privately for an hour, never sniffed nor run as a document. */
export const ServesRemoteImage = () =>
  applyDecorators(
    ApiResponse({
      status: 200,
      content: { [AVATAR_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } } },
    }),
    Header('content-type', AVATAR_CONTENT_TYPE),
    Header('cache-control', 'private, max-age=3600'),
    Header('x-content-type-options', UNTRUSTED_CONTENT_HEADERS['x-content-type-options']),
    Header('content-security-policy', UNTRUSTED_CONTENT_HEADERS['content-security-policy']),
  );
