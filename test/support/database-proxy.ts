import { once } from 'node:events';
import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy between the server and PostgreSQL that can refuse connections (nothing listens) or go silent
 * (connections are accepted, and every byte either way is held back until it is restored, as in a network
 * partition that heals).
 */
export class DatabaseProxy {
  private listener?: Server;
  private readonly links = new Set<{ client: Socket; upstream: Socket; held: [Socket, Buffer][] }>();
  private silent = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.listener = createServer((client) => this.link(client));
    this.listener.listen(this.port, '127.0.0.1');
    await once(this.listener, 'listening');
    this.port = (this.listener.address() as { port: number }).port;
  }

  /** Nothing listens any more and every connection is cut: connecting is refused. */
  async refuse(): Promise<void> {
    const closed = new Promise((resolve) => this.listener!.close(resolve));
    for (const { client, upstream } of this.links) {
      client.destroy();
      upstream.destroy();
    }
    this.links.clear();
    await closed;
  }

  /** Connections are accepted, and nothing goes through either way. */
  goSilent(): void {
    this.silent = true;
  }

  /** Accepts and forwards again; what a silence held back is delivered. */
  async restore(): Promise<void> {
    this.silent = false;
    for (const link of this.links) {
      for (const [to, data] of link.held.splice(0)) to.write(data);
    }
    if (!this.listener?.listening) await this.open();
  }

  async close(): Promise<void> {
    await this.refuse().catch(() => undefined);
  }

  private link(client: Socket): void {
    const upstream = new Socket();
    const link = { client, upstream, held: [] as [Socket, Buffer][] };
    this.links.add(link);
    const forward = (to: Socket) => (data: Buffer) => {
      if (this.silent || link.held.length > 0) link.held.push([to, data]);
      else to.write(data);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const cut = () => {
      this.links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', cut);
    }
    upstream.connect(this.target.port, this.target.host);
  }
}
