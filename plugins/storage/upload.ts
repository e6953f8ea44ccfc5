/** What a backend uploads: a file's bytes under a path of unencoded segments. */
export interface Upload {
  path: string[];
  contentType: string;
  contentBase64: string;
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** A storage service's refusal, worded for the invocation log and the channel. */
export class StorageError extends Error {
  constructor(operation: string, status: number, detail?: string) {
    const reason = REASONS[status] ? ` ${REASONS[status]}` : '';
    super(`${operation} answered ${status}${reason}${detail ? ` (${detail})` : ''}`);
  }
}

/**
 * RFC 3986 percent-encoding of one path segment: everything but unreserved characters, which is what SigV4's
 * canonical URI needs (encodeURIComponent leaves `!'()*` alone).
 */
export const encodeSegment = (segment: string): string =>
  encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
