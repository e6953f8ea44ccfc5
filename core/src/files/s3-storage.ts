import { Readable, Transform } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  NoSuchKey,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { S3Settings } from '../config/config';
import type { DownloadHeaders, StorageDriver } from './storage';

/** Bytes sent per part of a multipart upload (S3's minimum), and parts in flight: what one upload holds in memory. */
const PART_SIZE_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * Files in an S3-compatible bucket, under the same keys as on disk. The client talks to the endpoint the
 * operator configured, never to a URL a user chose, so its requests do not go through the egress guard.
 */
export class S3Storage implements StorageDriver, OnApplicationShutdown {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      credentials: settings.credentials,
      forcePathStyle: settings.forcePathStyle,
    });
    this.bucket = settings.bucket;
  }

  /**
   * Streamed: at most PARTS_IN_FLIGHT parts are in memory. A file under one part is sent with one PUT once
   * it has all arrived; a larger one as a multipart upload, which `Upload` aborts when the content fails, so
   * either way the object exists only once every byte is in.
   */
  async write(key: string, content: Readable): Promise<number> {
    let bytes = 0;
    const counted = content.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      }),
    );
    // `pipe` does not pass errors on: a cut-off upload must fail the object, not end it short.
    content.once('error', (error) => counted.destroy(error));
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counted },
      partSize: PART_SIZE_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    await upload.done();
    return bytes;
  }

  async read(key: string): Promise<Readable> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return object.Body as Readable;
  }

  async sizeOf(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async downloadUrl(key: string, headers: DownloadHeaders): Promise<string | undefined> {
    if (!this.settings.presignedDownloads) return undefined;
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: headers.contentType,
      ResponseContentDisposition: headers.contentDisposition,
    });
    return getSignedUrl(this.client, command, { expiresIn: this.settings.presignedExpirySeconds });
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }

  /**
   * Nothing to do here: a failed upload is aborted by `Upload`, and the parts of one cut off by a crash are
   * the bucket's to expire (its AbortIncompleteMultipartUpload lifecycle rule, see the README): listing and
   * aborting them here could abort another instance's upload in flight.
   */
  removeIncomplete(): Promise<void> {
    return Promise.resolve();
  }
}
