import { getOctokit } from '@actions/github';
import { oneLine } from '../../core/errors';
import { mdCode, mdText } from '../../core/markdown';
import { inertText } from '../../core/untrusted-text';
import type { AlertSink, Finding, SweepChanges } from '../model';
import type { AlertRoute } from './config';
import { routes } from './route';

// GitHub issues: one per finding opened, closed with a comment when it is resolved. Each issue
// carries a hidden marker with the finding key, so a finding is found again on resolve, and an
// issue opened by a run that crashed before saving the state is not opened a second time.

const TITLE_MAX = 250;
const LIST_PAGES_MAX = 50;

/** Percent-encoding keeps `--` and `>` out of the HTML comment. */
const enc = (s: string) => encodeURIComponent(s).replace(/-/g, '%2D').replace(/[!'()*~.]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function issueMarker(key: string): string {
  return `<!-- ship-image:monitor finding=${enc(key)} -->`;
}

const MARKER_RE = /^<!-- ship-image:monitor finding=([A-Za-z0-9%_]+) -->/;

export function issueTitle(f: Finding): string {
  return inertText(`[ship-image monitor] ${f.severity} ${f.kind} ${f.id} in ${f.repository}@${f.digest.slice(0, 19)}`, { max: TITLE_MAX });
}

export function issueBody(f: Finding): string {
  return [
    issueMarker(f.key),
    `**${mdText(f.severity)} ${mdText(f.kind)}** ${mdCode(f.id)} in ${mdCode(`${f.repository}@${f.digest}`, 400)}`,
    '',
    mdText(f.summary, 1000),
    '',
    `Finding key: ${mdCode(f.key, 600)}. Opened by \`ship-image monitor\`; it closes this issue when the finding is resolved.`,
  ].join('\n');
}

export interface GitHubIssueSinkOptions {
  name: string;
  repository: string;
  token: string;
  apiUrl: string;
  labels: string[];
  route: AlertRoute;
}

type Octokit = ReturnType<typeof getOctokit>;

export class GitHubIssueSink implements AlertSink {
  readonly name: string;
  private readonly owner: string;
  private readonly repo: string;

  constructor(private readonly opts: GitHubIssueSinkOptions) {
    this.name = opts.name;
    [this.owner, this.repo] = opts.repository.split('/') as [string, string];
  }

  async deliver(changes: SweepChanges): Promise<{ triggered: string[]; resolved: string[]; errors: string[] }> {
    const out = { triggered: [] as string[], resolved: [] as string[], errors: [] as string[] };
    const opened = changes.opened.filter((f) => routes(this.opts.route, f));
    if (opened.length === 0 && changes.resolved.length === 0) return out;
    const octokit = getOctokit(this.opts.token, { baseUrl: this.opts.apiUrl, userAgent: 'ship-image', request: { retries: 0 } });
    const fail = (what: string, err: unknown) => out.errors.push(`github sink '${this.name}': ${what} in ${this.opts.repository} failed (${inertText(oneLine(err), { max: 200 })})`);
    let existing: Map<string, number>;
    try {
      existing = await this.openIssues(octokit);
    } catch (err) {
      fail('listing open issues', err);
      return out;
    }
    for (const f of changes.resolved) {
      const number = existing.get(f.key);
      try {
        if (number !== undefined) {
          await octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: number, body: `Resolved: ${mdCode(f.key, 600)} is no longer found by \`ship-image monitor\`.` });
          await octokit.rest.issues.update({ owner: this.owner, repo: this.repo, issue_number: number, state: 'closed', state_reason: 'completed' });
        }
        // No open issue (closed by hand): nothing left to do.
        out.resolved.push(f.key);
      } catch (err) {
        fail(`closing issue #${number}`, err);
      }
    }
    for (const f of opened) {
      if (existing.has(f.key)) {
        out.triggered.push(f.key);
        continue;
      }
      try {
        await octokit.rest.issues.create({ owner: this.owner, repo: this.repo, title: issueTitle(f), body: issueBody(f), labels: this.opts.labels });
        out.triggered.push(f.key);
      } catch (err) {
        fail('opening an issue', err);
      }
    }
    return out;
  }

  /** Open issues with our first label that carry a marker: finding key → issue number. */
  private async openIssues(octokit: Octokit): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    let pages = 0;
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, { owner: this.owner, repo: this.repo, state: 'open', labels: this.opts.labels[0], per_page: 100 })) {
      for (const issue of page.data) {
        if (issue.pull_request) continue;
        const m = MARKER_RE.exec(issue.body ?? '');
        if (!m) continue;
        try {
          found.set(decodeURIComponent(m[1]!), issue.number);
        } catch {
          // A marker that does not decode is not ours.
        }
      }
      if (++pages >= LIST_PAGES_MAX) break;
    }
    return found;
  }
}
