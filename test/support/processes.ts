import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ApiClient } from '../../fixtures/api-client';

/** Programs the tests start as processes of their own: the built server, npm, proxies. */
const root = path.resolve(__dirname, '../..');

/** Runs `command` in the repository, collecting its JSON log lines (anything else is kept as `{msg: line}`). */
export function spawnLogged(command: string, args: string[], env: NodeJS.ProcessEnv) {
  // In a process group of its own, so whatever it leaves behind can be killed with it (killGroup).
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const logs: Record<string, unknown>[] = [];
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ msg: line });
        }
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  return { child, logs };
}

export async function waitHealthy(child: ChildProcess, logs: Record<string, unknown>[], port: number) {
  const api = new ApiClient(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${JSON.stringify(logs)}`);
    const health = await api.get('/health').catch(() => undefined);
    if (health?.status === 200) return api;
    if (Date.now() > deadline) throw new Error(`server did not become healthy: ${JSON.stringify(logs)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Kills the process and everything it started that is still running (a server npm left behind). */
export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // nothing left
  }
}
