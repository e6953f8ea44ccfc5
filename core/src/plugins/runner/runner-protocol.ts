import type { HandlerKind, InvokeResult } from '@jokkaer/sdk-plugin/sandbox';

export interface LoadSpec {
  installId: string;
  code: string;
  settings: Record<string, unknown>;
  workspaceId: string;
  memoryLimitMb: number;
}

/** Messages from the server to the runner process. */
export type ToRunner =
  | { t: 'load'; id: number; spec: LoadSpec }
  | { t: 'unload'; installId: string }
  | {
      t: 'invoke';
      id: number;
      installId: string;
      kind: HandlerKind;
      name: string;
      payload: unknown;
      timeoutMs: number;
    }
  | { t: 'host-result'; id: number; value?: unknown; error?: string };

/** Messages from the runner process to the server. */
export type FromRunner =
  | { t: 'loaded'; id: number; error?: string }
  | { t: 'result'; id: number; result: InvokeResult }
  | { t: 'host-call'; id: number; installId: string; method: string; args: unknown[] };
