/**
 * A fresh clientMsgId. crypto.randomUUID exists only in secure contexts; a server reached over plain HTTP on
 * a LAN address is not one, so the id is built from getRandomValues, which is always there.
 */
export function newClientMsgId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
