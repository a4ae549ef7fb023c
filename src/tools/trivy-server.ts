// One trivy server per sweep: the vulnerability DB is loaded once, and each SBOM is scanned through
// the RPC trivy's own client uses (`trivy sbom --server`): the decoded SBOM is put into the server's
// cache as a blob (Cache/PutBlob), then scanned (Scanner/Scan). A trivy process costs seconds of
// start-up (the npm binary is UPX-packed), so neither per-image `trivy sbom` nor per-image
// `trivy sbom --server` clients can keep up with an estate; an HTTP request per image can.
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import type { TrivyReport } from '../scan/trivy-report';
import { scannerEnv } from './isolation';
import { cycloneDxBlob, scanReplyToReport } from './trivy-blob';
import { offlineFlags, readDbVersion, trivyCapabilities, trivyVersion, type DbVersion } from './trivy';

export interface TrivyServerOptions {
  binary?: string;
  /** The trivy cache dir holding `db/trivy.db` (never updated: the server runs offline). */
  cacheDir: string;
  logger?: Logger;
  /** How long the server may take to load the DB and listen (default 3 min). */
  startTimeoutMs?: number;
}

export interface TrivyServer {
  readonly url: string;
  readonly dbVersion: DbVersion;
  readonly toolVersion: string;
  /** Scans a CycloneDX SBOM document with the server's DB: trivy's native JSON report. */
  scanSbom(document: unknown, name: string): Promise<TrivyReport>;
  stop(): Promise<void>;
}

const TOKEN_HEADER = 'Trivy-Token';

/** A loopback port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free loopback port'))));
    });
  });
}

/**
 * Starts `trivy server` on a loopback port with a private copy of the DB (trivy locks the DB file
 * for as long as it has it open, which would stall every other trivy using the same cache dir) and a
 * random token, in an empty working directory with the scanners' allowlisted environment.
 */
export async function startTrivyServer(opts: TrivyServerOptions): Promise<TrivyServer> {
  const binary = opts.binary ?? 'trivy';
  const logger = opts.logger ?? silentLogger;
  const dbVersion = await readDbVersion(opts.cacheDir);
  if (!dbVersion.updatedAt) throw new UserError(`no trivy DB in ${opts.cacheDir} (db/metadata.json missing); download it first (trivy image --download-db-only --cache-dir ${opts.cacheDir})`);
  const [caps, toolVersion] = await Promise.all([trivyCapabilities(binary), trivyVersion(binary)]);
  const work = await mkdtemp(join(tmpdir(), 'ship-image-trivy-server-'));
  const cacheDir = join(work, 'cache');
  const cwd = join(work, 'cwd');
  await Promise.all([mkdir(join(cacheDir, 'db'), { recursive: true }), mkdir(cwd)]);
  try {
    for (const file of ['trivy.db', 'metadata.json']) {
      await copyFile(join(opts.cacheDir, 'db', file), join(cacheDir, 'db', file), fsConstants.COPYFILE_FICLONE);
    }
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw new UserError(`cannot copy the trivy DB from ${opts.cacheDir}: ${(err as Error).message}`);
  }
  const token = randomBytes(24).toString('hex');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['server', '--listen', `127.0.0.1:${port}`, '--cache-dir', cacheDir, ...offlineFlags(caps)];
  logger.info(`trivy: starting a server on ${url} (DB ${dbVersion.updatedAt})`);
  const child = spawn(binary, args, { cwd, env: scannerEnv(process.env, { TRIVY_TOKEN: token, TRIVY_TOKEN_HEADER: TOKEN_HEADER }), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    await rm(work, { recursive: true, force: true });
  };

  const rpc = async (method: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/twirp/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let msg = text.slice(0, 300);
      try {
        msg = (JSON.parse(text) as { msg?: string }).msg ?? msg;
      } catch {
        /* not Twirp's JSON error: the text as it is */
      }
      throw new Error(`trivy server ${method.split('/').pop()} failed (HTTP ${res.status}): ${msg}`);
    }
    return text ? JSON.parse(text) : {};
  };

  try {
    await waitReady(rpc, exited, () => stderr, opts.startTimeoutMs ?? 180_000);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    dbVersion,
    toolVersion,
    async scanSbom(document, name) {
      const blob = cycloneDxBlob(document);
      const key = `sha256:${createHash('sha256').update(JSON.stringify(blob)).digest('hex')}`;
      await rpc('trivy.cache.v1.Cache/PutBlob', { diff_id: key, blob_info: blob });
      // `vuln_type` (trivy < 0.50) and `pkg_types` (later) name the same field: each server reads its own.
      const reply = await rpc('trivy.scanner.v1.Scanner/Scan', {
        target: name,
        artifact_id: key,
        blob_ids: [key],
        options: { vuln_type: ['os', 'library'], pkg_types: ['os', 'library'], scanners: ['vuln'] },
      });
      return scanReplyToReport(reply, name);
    },
    stop,
  };
}

async function waitReady(rpc: (m: string, b: unknown) => Promise<unknown>, exited: Promise<number | null>, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  let exitCode: number | null = null;
  void exited.then((code) => {
    done = true;
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (done) throw new Error(`trivy server exited (${exitCode}) before it listened: ${lastLine(stderr())}`);
    try {
      await rpc('trivy.cache.v1.Cache/MissingBlobs', { artifact_id: 'sha256:ready', blob_ids: [] });
      return;
    } catch (err) {
      if (!/ECONNREFUSED|fetch failed/.test(`${(err as Error).message} ${String((err as { cause?: unknown }).cause)}`)) throw err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`trivy server did not listen within ${Math.round(timeoutMs / 1000)} s: ${lastLine(stderr())}`);
}

function lastLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-3).join(' | ') || 'no output';
}
