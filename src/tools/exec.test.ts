import { addSecret } from '../core/log';
import { CommandError, checkResult, formatCommandLine, probeOutput, runChecked, spawnRunner } from './exec';

describe('spawnRunner', () => {
  test('captures stdout, stderr and the exit code without a shell', async () => {
    const r = await spawnRunner({ command: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] });
    expect(r).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  test('passes arguments verbatim (no shell expansion) and feeds stdin', async () => {
    const r = await spawnRunner({ command: 'cat', args: [], input: '$HOME `x`' });
    expect(r.stdout).toBe('$HOME `x`');
    const echo = await spawnRunner({ command: 'echo', args: ['$HOME', '; rm -rf /'] });
    expect(echo.stdout).toBe('$HOME ; rm -rf /\n');
  });

  test('streams complete lines to onLine', async () => {
    const lines: string[] = [];
    await spawnRunner({ command: 'sh', args: ['-c', 'printf "a\\nb"; printf "c\\n" >&2'], onLine: (l) => lines.push(l) });
    expect(lines.sort()).toEqual(['a', 'b', 'c']);
  });

  test('uses the given environment', async () => {
    const r = await spawnRunner({ command: 'sh', args: ['-c', 'echo $SHIP_X'], env: { PATH: process.env.PATH, SHIP_X: 'yes' } });
    expect(r.stdout).toBe('yes\n');
  });

  test('rejects with a clear message when the program is missing', async () => {
    await expect(spawnRunner({ command: 'no-such-program-xyz', args: [] })).rejects.toThrow(/'no-such-program-xyz' was not found on PATH/);
    await expect(spawnRunner({ command: 'no-such-program-xyz', args: [] })).rejects.toMatchObject({ name: 'CommandError', code: 'ENOENT' });
  });

  test('kills the process group on timeout', async () => {
    const started = Date.now();
    await expect(spawnRunner({ command: 'sh', args: ['-c', 'sleep 30 & sleep 30'], timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('probeOutput', () => {
  test('stdout on exit 0; undefined on another exit code or a missing program', async () => {
    expect(await probeOutput({ command: 'sh', args: ['-c', 'echo v1'] })).toBe('v1\n');
    expect(await probeOutput({ command: 'sh', args: ['-c', 'echo no; exit 1'] })).toBeUndefined();
    expect(await probeOutput({ command: 'no-such-program-xyz', args: [] })).toBeUndefined();
  });
});

describe('runChecked / checkResult', () => {
  test('a failure names the command line and the output tail, with secrets masked', async () => {
    addSecret('hunter2-registered');
    const err = await runChecked({
      command: 'sh',
      args: ['-c', 'echo "denied for hunter2-registered and extra-secret" >&2; exit 1'],
      secrets: ['extra-secret'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    const message = (err as CommandError).message;
    expect(message).toContain('failed with exit code 1');
    expect(message).toContain('denied for ***');
    expect(message).not.toContain('hunter2-registered');
    expect(message).not.toContain('extra-secret');
    expect((err as CommandError).exitCode).toBe(1);
  });

  test('passes a zero exit through', () => {
    const result = { exitCode: 0, stdout: 'x', stderr: '' };
    expect(checkResult({ command: 'x', args: [] }, result)).toBe(result);
  });

  test('formatCommandLine quotes what a shell would split', () => {
    expect(formatCommandLine('docker', ['build', '--label', 'a=b c', '.'])).toBe("docker build --label 'a=b c' .");
  });
});
