import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import type { BusboyFileStream, BusboyHeaders, BusboyInstance } from '@fastify/busboy';
import { badRequest, ProblemException } from '../common/problem';

/** The one field an upload carries. */
export const FILE_FIELD = 'file';

/** Room in a request's declared length for the multipart framing around the file (boundaries, part headers). */
const FRAMING_ALLOWANCE_BYTES = 64 * 1024;

export const UPLOAD_LIMITS = Symbol('UPLOAD_LIMITS');

export interface UploadLimits {
  fileSizeBytes: number;
  /** How long the body may send nothing before the upload is given up. */
  idleTimeoutMs: number;
}

export interface IncomingFile {
  filename: string | undefined;
  mimetype: string;
  content: Readable;
}

/** The stalled or refused client may still be sending: answer, then close rather than read the rest. */
const closing = { connection: 'close' };

export const fileTooLarge = () =>
  new ProblemException(413, 'The file is larger than the upload limit', undefined, closing);

/**
 * A multipart/form-data upload that must carry exactly one part: a file in the field `file`. Whatever the
 * body's shape (other fields before or after the file, two files, truncated, abandoned or stalled), `receive`
 * settles in bounded time, and only once the file stream it handed out has ended or been destroyed, so what
 * was stored from it can be removed.
 */
export class MultipartUpload {
  private constructor(
    private readonly request: IncomingMessage,
    private readonly limits: UploadLimits,
    private readonly busboy: BusboyInstance,
    private readonly field: string,
  ) {}

  /** Checks what can be checked before the body is read: the content type, its boundary, the declared length. */
  /** `field`: where the file comes (Slack's upload URLs receive it in `body`, as WebClient sends it). */
  static open(request: IncomingMessage, limits: UploadLimits, field = FILE_FIELD): MultipartUpload {
    const contentType = request.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\b/i.test(contentType)) {
      throw new ProblemException(415, 'Send the file as multipart/form-data in the field "file"', [
        { path: FILE_FIELD, message: 'must be sent as multipart/form-data' },
      ]);
    }
    if (Number(request.headers['content-length']) > limits.fileSizeBytes + FRAMING_ALLOWANCE_BYTES) {
      throw fileTooLarge();
    }
    let busboy: BusboyInstance;
    try {
      // Every part is handed over as a stream, text fields included, so each is refused by name as it starts.
      busboy = Busboy({
        headers: request.headers as BusboyHeaders,
        preservePath: true,
        isPartAFile: () => true,
        limits: { fileSize: limits.fileSizeBytes },
      });
    } catch {
      throw badRequest('The multipart content type has no boundary', [
        { path: 'content-type', message: 'must carry a multipart boundary' },
      ]);
    }
    return new MultipartUpload(request, limits, busboy, field);
  }

  /**
   * Hands the file to `store` as it arrives and resolves once the whole body is read and `store` is done;
   * undefined when the body has no part at all. Rejects with the first problem: a part other than the
   * single file (400 naming it), a file over the limit (413), a malformed, aborted or stalled body, or
   * `store`'s own failure; the file stream is destroyed first, so `store` always settles too.
   */
  receive<T>(
    store: (file: IncomingFile) => Promise<T>,
  ): Promise<{ file: IncomingFile; stored: T } | undefined> {
    const { request, limits, busboy } = this;
    let received: { file: IncomingFile; stored: Promise<T> } | undefined;
    let current: BusboyFileStream | undefined;
    let idle: NodeJS.Timeout | undefined;
    let parsing = true;

    return new Promise((resolve, reject) => {
      const finish = async (failure?: Error) => {
        if (!parsing) return;
        parsing = false;
        clearTimeout(idle);
        request.off('data', resetIdle).off('close', onClose);
        if (failure) {
          request.unpipe(busboy);
          request.resume(); // discard the rest of what the client sends
          current?.destroy(failure);
        }
        const outcome = await received?.stored.then(
          (stored) => ({ stored }),
          (error: Error) => ({ error }),
        );
        if (failure) reject(failure);
        else if (outcome && 'error' in outcome) reject(outcome.error);
        else resolve(received && outcome && { file: received.file, stored: outcome.stored });
      };
      const fail = (failure: Error) => void finish(failure);
      const resetIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () =>
            fail(
              new ProblemException(408, 'The upload stalled: the body stopped arriving', undefined, closing),
            ),
          limits.idleTimeoutMs,
        );
      };
      const onClose = () => {
        if (!request.complete) fail(badRequest('The request body was not completely received'));
      };

      busboy.on('file', (field, stream, filename, _encoding, mimetype) => {
        // A stream's errors reach `store` through its reading; a stream nobody reads must not crash on one.
        stream.on('error', () => {});
        if (!parsing) {
          stream.resume(); // what was already buffered when the upload failed
          return;
        }
        if (received || field !== this.field) {
          stream.resume();
          fail(
            badRequest(`Send only the file, in the field "${this.field}"`, [
              {
                path: field,
                message: received ? 'is not accepted besides the file' : 'is not a known field',
              },
            ]),
          );
          return;
        }
        current = stream;
        stream.on('limit', () => fail(fileTooLarge()));
        const file: IncomingFile = { filename, mimetype, content: stream };
        received = { file, stored: store(file) };
        received.stored.catch(fail);
      });
      busboy.on('error', (error) =>
        fail(
          badRequest('The multipart body is malformed', [
            { path: '(body)', message: error instanceof Error ? error.message : String(error) },
          ]),
        ),
      );
      busboy.on('finish', () => void finish());
      request.on('data', resetIdle).on('close', onClose);
      resetIdle();
      if (request.destroyed) onClose();
      request.pipe(busboy);
    });
  }
}
