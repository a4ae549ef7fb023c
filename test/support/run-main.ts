import { main } from '../../src/cli/main';

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `ship-image ...argv` in-process with `env` set for the run; returns exit code, stdout and stderr. */
export async function runMain(argv: string[], env: Record<string, string> = {}): Promise<MainResult> {
  let stdout = '';
  let stderr = '';
  // Commands keep the process.env object they were loaded with: change it in place, then put it back.
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
