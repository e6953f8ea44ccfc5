import { fromBase64, utf8, type PluginContext } from '@jokkaer/sdk-plugin';
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { encodeSegment, StorageError, type Upload } from './upload';

export interface SigV4Input {
  method: string;
  /** The path as it is sent, already percent-encoded: S3 signs it as it is, without normalising it. */
  path: string;
  /** Query parameters, not encoded. */
  query?: Record<string, string>;
  /** Every header to sign, `host` included. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body (also sent as `x-amz-content-sha256` to S3). */
  payloadHash: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `20150830T123600Z` */
  amzDate: string;
}

export interface SigV4 {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
}

const byName = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

/** AWS Signature Version 4 for the Authorization header. */
export function signV4(input: SigV4Input): SigV4 {
  const headers = Object.entries(input.headers)
    .map(([name, value]): [string, string] => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')])
    .sort(byName);
  const signedHeaders = headers.map(([name]) => name).join(';');
  const query = Object.entries(input.query ?? {})
    .map(([name, value]): [string, string] => [encodeSegment(name), encodeSegment(value)])
    .sort(byName)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalRequest = [
    input.method,
    input.path,
    query,
    headers.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    input.payloadHash,
  ].join('\n');
  const date = input.amzDate.slice(0, 8);
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    input.amzDate,
    scope,
    bytesToHex(sha256(utf8(canonicalRequest))),
  ].join('\n');
  const key = [date, input.region, input.service, 'aws4_request'].reduce(
    (previous, part) => hmac(sha256, previous, utf8(part)),
    utf8(`AWS4${input.secretAccessKey}`),
  );
  const signature = bytesToHex(hmac(sha256, key, utf8(stringToSign)));
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization };
}

export interface S3Config {
  /** `https://minio.example.org`; default `https://s3.<region>.amazonaws.com`. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `<endpoint>/<bucket>/<key>` (MinIO and most self-hosted services) rather than `<bucket>.<endpoint host>`. */
  pathStyle: boolean;
}

/** The sandbox has no URL class: scheme, authority and base path of an endpoint. */
const ENDPOINT = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?$/i;

/** PUTs the file as an object signed with SigV4, its key the upload's path; returns the object's URL. */
export async function s3Upload(ctx: PluginContext, config: S3Config, upload: Upload): Promise<string> {
  const endpoint = config.endpoint ?? `https://s3.${config.region}.amazonaws.com`;
  const match = ENDPOINT.exec(endpoint);
  if (!match) throw new Error(`s3Endpoint ${endpoint} is not an http(s) URL`);
  const [, scheme, authority, basePath = ''] = match;
  const host = (config.pathStyle ? authority : `${config.bucket}.${authority}`).toLowerCase();
  const path =
    basePath.replace(/\/+$/, '') +
    (config.pathStyle ? `/${encodeSegment(config.bucket)}` : '') +
    `/${upload.path.map(encodeSegment).join('/')}`;
  const url = `${scheme.toLowerCase()}://${host}${path}`;
  const headers = {
    'content-type': upload.contentType,
    'x-amz-content-sha256': bytesToHex(sha256(fromBase64(upload.contentBase64))),
    'x-amz-date': new Date(await ctx.now()).toISOString().replace(/[-:]|\.\d{3}/g, ''),
  };
  const { authorization } = signV4({
    method: 'PUT',
    path,
    headers: { ...headers, host },
    payloadHash: headers['x-amz-content-sha256'],
    region: config.region,
    service: 's3',
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    amzDate: headers['x-amz-date'],
  });
  const response = await ctx.http.fetch(url, {
    method: 'PUT',
    headers: { ...headers, authorization },
    bodyBase64: upload.contentBase64,
  });
  if (response.status < 200 || response.status > 299)
    throw new StorageError('S3 PUT', response.status, /<Code>([^<]{1,100})<\/Code>/.exec(response.body)?.[1]);
  return url;
}
