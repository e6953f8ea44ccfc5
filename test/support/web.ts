import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The browser client's folder, where its own tools (Vitest, Playwright, the budget script) run. */
export const web = path.resolve(__dirname, '../../web');
/** A dependency's program, wherever npm put it (hoisted to the root or kept under web/). */
export const bin = (pkg: string, file: string) =>
  [web, path.dirname(web)]
    .map((dir) => path.join(dir, 'node_modules', pkg, file))
    .find((candidate) => existsSync(candidate)) ?? `${pkg}/${file} (not installed: run npm install)`;

/** Runs a Node program in web/; resolves with its output, or rejects with it (so a failure shows why). */
export function run(program: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  // Playwright refuses to run inside a Jest worker, which it recognises by this variable.
  const { JEST_WORKER_ID: _worker, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [program, ...args],
      { cwd: web, env: { ...inherited, ...env, NODE_OPTIONS: '', FORCE_COLOR: '0' }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error) reject(new Error(`${path.basename(program)} ${args.join(' ')} failed:\n${output}`));
        else resolve(output);
      },
    );
  });
}
