import { Injectable } from '@nestjs/common';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Where a handled frame goes: one person's sockets, on every instance. */
export type FrameOutcome = { to: string; frame: Record<string, unknown> } | { error: string };
export type FrameHandler = (userId: string, frame: Record<string, unknown>) => Promise<FrameOutcome>;

interface Registered {
  validate: ValidateFunction;
  handle: FrameHandler;
}

/**
 * Client frames other domains answer (calls' `call.signal`), so the socket's owner needs no knowledge of
 * them: each comes with its schema, and its handler decides who, if anyone, receives what.
 */
@Injectable()
export class RealtimeFrames {
  private readonly ajv = addFormats(new Ajv({ allErrors: true }));
  private readonly handlers = new Map<string, Registered>();

  register(type: string, schema: object, handle: FrameHandler): void {
    this.handlers.set(type, { validate: this.ajv.compile(schema), handle });
  }

  find(type: unknown): Registered | undefined {
    return typeof type === 'string' ? this.handlers.get(type) : undefined;
  }
}
