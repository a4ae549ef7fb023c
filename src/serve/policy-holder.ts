// The policy in force, swapped whole on reload: a request in flight keeps the state it started
// with, the next one sees the new one; nothing is dropped. A reload that fails keeps the old
// policy (an admission service must not stop answering because someone saved a typo).
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { oneLine } from '../core/errors';
import type { Logger } from '../core/log';
import type { Policy } from '../policy/types';
import type { PolicyState } from './verifier';

export interface Loaded {
  policy: Policy;
  trustedRoot?: TrustedRoot;
}

export interface HeldPolicy extends PolicyState {
  trustedRoot?: TrustedRoot;
}

export type ReloadResult = 'changed' | 'unchanged' | 'failed';

const DEBOUNCE_MS = 150;

export class PolicyHolder {
  private state: HeldPolicy;
  private fingerprint: string;
  private readonly watchers: FSWatcher[] = [];
  private timer?: NodeJS.Timeout;

  /** `load` throws (a UserError) when the files are not a usable policy; the first load must succeed. */
  constructor(
    private readonly load: () => Loaded,
    private readonly logger: Logger,
    private readonly onReload: (result: ReloadResult, state: HeldPolicy) => void = () => undefined,
  ) {
    const loaded = load();
    this.state = { ...loaded, generation: 1 };
    this.fingerprint = fingerprintOf(loaded);
  }

  current(): HeldPolicy {
    return this.state;
  }

  /** Loads the files again; a new generation only when what they say changed. */
  reload(why: string): ReloadResult {
    let loaded: Loaded;
    try {
      loaded = this.load();
    } catch (err) {
      this.logger.warn(`serve: policy reload (${why}) failed, keeping generation ${this.state.generation}: ${oneLine(err)}`);
      this.onReload('failed', this.state);
      return 'failed';
    }
    const fingerprint = fingerprintOf(loaded);
    if (fingerprint === this.fingerprint) {
      this.onReload('unchanged', this.state);
      return 'unchanged';
    }
    this.fingerprint = fingerprint;
    this.state = { ...loaded, generation: this.state.generation + 1 };
    this.logger.info(`serve: policy ${loaded.policy.name} reloaded (${why}), generation ${this.state.generation}`);
    this.onReload('changed', this.state);
    return 'changed';
  }

  /**
   * Reload when any of `files` changes. Their directories are watched, not the files: editors and
   * Kubernetes ConfigMap volumes replace a file (rename, `..data` symlink swap) rather than write it.
   */
  watch(files: readonly string[]): void {
    for (const dir of new Set(files.map((f) => path.dirname(path.resolve(f))))) {
      const watcher = watch(dir, { persistent: false }, () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.reload('file change'), DEBOUNCE_MS);
      });
      watcher.on('error', (err) => this.logger.warn(`serve: watching ${dir} failed (${err.message}); reload with SIGHUP`));
      this.watchers.push(watcher);
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers.splice(0)) w.close();
  }
}

function fingerprintOf(loaded: Loaded): string {
  const root = loaded.trustedRoot ? JSON.stringify(loaded.trustedRoot) : '';
  return createHash('sha256').update(JSON.stringify(loaded.policy, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).update('\0').update(root).digest('hex');
}
