/**
 * The plugin runner: a separate Node process (started and supervised by the server) holding one isolate per
 * installed plugin. A plugin, or a failure of the isolate machinery, can take this process down, never the API.
 */
import { setPriority } from 'node:os';
import { HostFailure, PluginSandbox } from '@jokkaer/sdk-plugin/sandbox';
import type { FromRunner, ToRunner } from './runner-protocol';

/**
 * Plugin code busy for its whole time limit yields the CPU to the API and its database instead of competing
 * with them: the lowest priority (nice 19), set before any isolate thread exists so that those inherit it.
 */
try {
  setPriority(19);
} catch {
  // Not permitted here (some containers): plugins then run at the server's priority.
}

const sandboxes = new Map<string, PluginSandbox>();
const pendingHostCalls = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
let nextHostCall = 1;

const send = (message: FromRunner) => process.send?.(message);

function hostCall(installId: string, method: string, args: unknown[]): Promise<unknown> {
  const id = nextHostCall++;
  return new Promise((resolve, reject) => {
    pendingHostCalls.set(id, { resolve, reject });
    send({ t: 'host-call', id, installId, method, args });
  });
}

async function handle(message: ToRunner): Promise<void> {
  switch (message.t) {
    case 'load': {
      const { spec } = message;
      sandboxes.get(spec.installId)?.dispose();
      const sandbox = new PluginSandbox({
        code: spec.code,
        settings: spec.settings,
        workspaceId: spec.workspaceId,
        memoryLimitMb: spec.memoryLimitMb,
        ...spec.limits,
        host: (method, args) => hostCall(spec.installId, method, args),
      });
      try {
        await sandbox.start();
        sandboxes.set(spec.installId, sandbox);
        send({ t: 'loaded', id: message.id });
      } catch (error) {
        send({ t: 'loaded', id: message.id, error: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    case 'unload':
      sandboxes.get(message.installId)?.dispose();
      sandboxes.delete(message.installId);
      return;
    case 'invoke': {
      const sandbox = sandboxes.get(message.installId);
      const result = sandbox
        ? await sandbox.invoke(message.kind, message.name, message.payload, message.timeoutMs)
        : ({ ok: false, code: 'error', message: 'plugin not loaded', durationMs: 0, cpuMs: 0 } as const);
      send({ t: 'result', id: message.id, result });
      return;
    }
    case 'host-result': {
      const pending = pendingHostCalls.get(message.id);
      pendingHostCalls.delete(message.id);
      if (message.error !== undefined)
        pending?.reject(message.hostFailure ? new HostFailure(message.error) : new Error(message.error));
      else pending?.resolve(message.value);
      return;
    }
  }
}

process.on('message', (message: ToRunner) => void handle(message));
// The server going away means this process has no purpose left.
process.on('disconnect', () => process.exit(0));
