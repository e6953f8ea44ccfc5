import type { HandlerKind, InvokeResult } from '@jokkaer/sdk-plugin/sandbox';

/** What the runner bounds for every plugin (PLUGIN_CALLS_IN_FLIGHT, …; see AppConfig). */
export interface RunnerLimits {
  callsInFlight: number;
  callsQueued: number;
  callsPerSecond: number;
  logLinesPerSecond: number;
  logLineMaxChars: number;
}

export interface LoadSpec {
  installId: string;
  code: string;
  settings: Record<string, unknown>;
  workspaceId: string;
  memoryLimitMb: number;
  limits: RunnerLimits;
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
  /** `hostFailure`: the error is the host's (a HostFailure), not the plugin's. */
  | { t: 'host-result'; id: number; value?: unknown; error?: string; hostFailure?: boolean };

/** Messages from the runner process to the server. */
export type FromRunner =
  | { t: 'loaded'; id: number; error?: string }
  | { t: 'result'; id: number; result: InvokeResult }
  | { t: 'host-call'; id: number; installId: string; method: string; args: unknown[] };
