import { toBase64, utf8, type PluginContext } from '@jokkaer/sdk-plugin';
import { encodeSegment, StorageError, type Upload } from './upload';

export interface WebdavConfig {
  /** The collection files go under, e.g. `https://cloud.example.org/remote.php/dav/files/jokkaer`. */
  url: string;
  username?: string;
  password?: string;
}

/**
 * PUTs the file at `<url>/<path>`; a 409 means a parent collection is missing, so it creates them with MKCOL
 * (405: it exists already) and PUTs again. Overwriting is fine: the path is the same for the same file, so a
 * repeated upload replaces itself. Returns the file's URL.
 */
export async function webdavUpload(
  ctx: PluginContext,
  config: WebdavConfig,
  upload: Upload,
): Promise<string> {
  const base = config.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  if (config.username !== undefined)
    headers.authorization = `Basic ${toBase64(utf8(`${config.username}:${config.password ?? ''}`))}`;
  const link = `${base}/${upload.path.map(encodeSegment).join('/')}`;
  const put = () =>
    ctx.http.fetch(link, {
      method: 'PUT',
      headers: { ...headers, 'content-type': upload.contentType },
      bodyBase64: upload.contentBase64,
    });
  let response = await put();
  if (response.status === 409) {
    for (let depth = 1; depth < upload.path.length; depth++) {
      const collection = `${base}/${upload.path.slice(0, depth).map(encodeSegment).join('/')}/`;
      const made = await ctx.http.fetch(collection, { method: 'MKCOL', headers });
      if (made.status !== 201 && made.status !== 405) throw new StorageError('WebDAV MKCOL', made.status);
    }
    response = await put();
  }
  if (response.status < 200 || response.status > 299) throw new StorageError('WebDAV PUT', response.status);
  return link;
}
