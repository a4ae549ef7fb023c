import { inertText } from '../../core/untrusted-text';
import type { AlertSink, Finding, SweepChanges } from '../model';
import type { AlertRoute } from './config';
import { postJson, type Clock, type RetryPolicy } from './post';
import { routes } from './route';

// Slack incoming webhook: one message per sweep saying what opened and what closed. Finding text
// comes from registries and advisories, so it goes through slackText before it is put in mrkdwn.

/** Lines listed per direction; the rest are counted. */
const LINES_MAX = 20;
/** A section block's text may hold 3000 characters. */
const SECTION_MAX = 3000;

/**
 * Untrusted text for Slack mrkdwn: made inert, then `&`, `<`, `>` escaped the Slack way (so no
 * `<!channel>`, `<@U…>` or `<url|label>` can be formed) and a bare @channel/@here/@everyone broken
 * with a zero-width space, so a finding title never pings anyone.
 */
export function slackText(text: string, max = 200): string {
  return inertText(text, { max })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u200B$1');
}

/** Inline code: mrkdwn has no escape for a backtick inside one, so it becomes a quote. */
function slackCode(text: string, max = 120): string {
  return '`' + slackText(text, max).replace(/`/g, "'") + '`';
}

function line(f: Finding): string {
  return `• *${f.severity}* ${f.kind} ${slackCode(f.id)} in ${slackCode(`${f.repository}@${f.digest.slice(0, 19)}`, 200)}: ${slackText(f.summary, 160)}`;
}

function section(title: string, findings: readonly Finding[]): { type: 'section'; text: { type: 'mrkdwn'; text: string } } {
  const lines = [`*${title}*`];
  let length = lines[0]!.length;
  let shown = 0;
  for (const f of findings.slice(0, LINES_MAX)) {
    const l = line(f);
    if (length + l.length + 40 > SECTION_MAX) break;
    lines.push(l);
    length += l.length + 1;
    shown++;
  }
  if (shown < findings.length) lines.push(`… and ${findings.length - shown} more`);
  return { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } };
}

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export function slackMessage(opened: readonly Finding[], resolved: readonly Finding[], sweptAt: string): SlackMessage {
  const headline = `ship-image monitor: ${opened.length} opened, ${resolved.length} resolved`;
  const blocks: Array<Record<string, unknown>> = [{ type: 'header', text: { type: 'plain_text', text: headline } }];
  if (opened.length > 0) blocks.push(section('Opened', opened));
  if (resolved.length > 0) blocks.push(section('Resolved', resolved));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Sweep at ${slackText(sweptAt, 40)}` }] });
  return { text: headline, blocks };
}

export interface SlackSinkOptions {
  name: string;
  webhookUrl: string;
  route: AlertRoute;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
}

export class SlackSink implements AlertSink {
  readonly name: string;

  constructor(private readonly opts: SlackSinkOptions) {
    this.name = opts.name;
  }

  async deliver(changes: SweepChanges): Promise<{ triggered: string[]; resolved: string[]; errors: string[] }> {
    const opened = changes.opened.filter((f) => routes(this.opts.route, f));
    const resolved = changes.resolved;
    if (opened.length === 0 && resolved.length === 0) return { triggered: [], resolved: [], errors: [] };
    const res = await postJson(this.opts.webhookUrl, slackMessage(opened, resolved, changes.sweptAt), {
      what: `slack sink '${this.name}': the sweep message`,
      clock: this.opts.clock,
      retry: this.opts.retry,
      fetch: this.opts.fetch,
    });
    if (!res.ok) return { triggered: [], resolved: [], errors: [res.error] };
    return { triggered: opened.map((f) => f.key), resolved: resolved.map((f) => f.key), errors: [] };
  }
}
