import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSummarizeCommand } from '../src/cli/commands/summarize';
import { UserError } from '../src/core/errors';
import { postResults } from '../src/prcheck/post-results';
import { findPullRequest, stickyMarker, upsertStickyComment, type GitHubApi } from '../src/prcheck/sticky-comment';
import { startGitHubApiDouble, type GitHubApiDouble } from './support/github-api-double';

// prcheck: the sticky PR comment against a DOUBLE of GitHub's REST API (a loopback server speaking
// its wire format: Link pagination, 201/200/403), since GitHub cannot run here.

const BOT = 'github-actions[bot]';
const REPO = { owner: 'acme', repo: 'app' };
const APP = { image: 'ghcr.io/acme/app', platforms: ['linux/amd64', 'linux/arm64'] };
const WORKER = { image: 'ghcr.io/acme/worker', platforms: ['linux/amd64'] };

describe('the sticky PR comment', () => {
  let gh: GitHubApiDouble;
  let api: GitHubApi;
  const bodies = () => (gh.comments.get('acme/app#7') ?? []).map((c) => `${c.user.login}: ${c.body.split('\n').slice(1).join(' ')}`);

  beforeEach(async () => {
    gh = await startGitHubApiDouble(
      { rw: { login: BOT, type: 'Bot', write: true }, ro: { login: BOT, type: 'Bot', write: false } },
      { maxPerPage: 2 }, // pagination on a handful of comments
    );
    api = { baseUrl: gh.url, token: 'rw' };
  });
  afterEach(() => gh.stop());

  test('create, then update in place: still one comment', async () => {
    const first = await upsertStickyComment(api, REPO, 7, APP, 'one', BOT);
    expect(first.action).toBe('created');
    for (let i = 0; i < 4; i++) gh.addComment('acme/app', 7, 'someone', `chatter ${i}`);
    const second = await upsertStickyComment(api, REPO, 7, APP, 'two', BOT);
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect((await upsertStickyComment(api, REPO, 7, APP, 'two', BOT)).action).toBe('unchanged');
    expect(bodies().filter((b) => b.startsWith(BOT))).toEqual([`${BOT}: two`]);
    // The listing followed Link rel="next" through every page.
    expect(gh.requests.filter((r) => r.startsWith('GET') && r.includes('page=3')).length).toBeGreaterThan(0);
  });

  test('two images: two comments; the platform set is part of the key', async () => {
    await upsertStickyComment(api, REPO, 7, APP, 'app', BOT);
    await upsertStickyComment(api, REPO, 7, WORKER, 'worker', BOT);
    await upsertStickyComment(api, REPO, 7, { ...APP, platforms: ['linux/arm64', 'linux/amd64'] }, 'app again', BOT);
    expect(bodies()).toEqual([`${BOT}: app again`, `${BOT}: worker`]);
  });

  test("another bot's or person's comment is never touched, even carrying our marker", async () => {
    const forged = gh.addComment('acme/app', 7, 'renovate[bot]', `${stickyMarker(APP)}\nforged`);
    const person = gh.addComment('acme/app', 7, 'mallory', `${stickyMarker(APP)}\nalso forged`);
    const r = await upsertStickyComment(api, REPO, 7, APP, 'ours', BOT);
    expect(r.action).toBe('created');
    expect(gh.comments.get('acme/app#7')!.find((c) => c.id === forged.id)!.body).toBe(`${stickyMarker(APP)}\nforged`);
    expect(gh.comments.get('acme/app#7')!.find((c) => c.id === person.id)!.body).toBe(`${stickyMarker(APP)}\nalso forged`);
    expect(gh.requests.filter((q) => q.startsWith('PATCH'))).toEqual([]);
  });

  test('the marker carries the image name encoded: no way out of the HTML comment', () => {
    const m = stickyMarker({ image: 'evil --> <img src=x>\n@octocat', platforms: ['linux/amd64'] });
    expect(m).toBe('<!-- ship-image:pr-check image=evil%20%2D%2D%3E%20%3Cimg%20src%3Dx%3E%0A%40octocat platforms=linux%2Famd64 -->');
    expect(m.slice(4, -3)).not.toMatch(/--|>|\n/);
  });

  test('a read-only token: 403 turned into a clear error', async () => {
    const err = await upsertStickyComment({ ...api, token: 'ro' }, REPO, 7, APP, 'x', BOT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/answered 403 \(Resource not accessible by integration\).*pull-requests: write/);
  });

  test('the PR is found by head SHA; a claimed number whose head differs is not believed', async () => {
    const sha = 'a'.repeat(40);
    gh.pulls.set('acme/app', [
      { number: 3, state: 'open', head: { sha: 'b'.repeat(40) } },
      { number: 7, state: 'open', head: { sha } },
    ]);
    expect(await findPullRequest(api, REPO, sha, 7)).toBe(7);
    expect(await findPullRequest(api, REPO, sha, 3)).toBe(7);
    expect(await findPullRequest(api, REPO, sha, null)).toBe(7);
    expect(await findPullRequest(api, REPO, 'c'.repeat(40), null)).toBeUndefined();
  });
});

describe('pr-comment: results written by summarize, posted from the downloaded artifacts', () => {
  test('one comment per image, a re-run changes nothing; a result for another commit is refused', async () => {
    const gh = await startGitHubApiDouble({ rw: { login: BOT, type: 'Bot', write: true } });
    const work = await mkdtemp(join(tmpdir(), 'prcheck-post-'));
    try {
      const sha = 'd'.repeat(40);
      gh.pulls.set('acme/app', [{ number: 7, state: 'open', head: { sha } }]);
      const cmd = makeSummarizeCommand({ writeStdout: () => undefined, now: () => new Date() });
      const grype = join(__dirname, 'fixtures', 'grype');
      for (const [name, scan] of [['app', 'vulnerable.json'], ['worker', 'patched.json']]) {
        await mkdir(join(work, `ship-image-pr-check-${name}`), { recursive: true });
        const args = ['--scan', join(grype, scan), '--base', join(grype, 'patched.json'), '--image', `ghcr.io/acme/${name}`, '--platforms', 'linux/amd64'];
        expect(await cmd.run([...args, '--result', join(work, `ship-image-pr-check-${name}`, 'pr-check-result.json'), '--head-sha', sha, '--pull-request', '7'])).toBe(0);
      }
      const req = { api: { baseUrl: gh.url, token: 'rw' }, repo: REPO, dir: work, headSha: sha, author: BOT };
      expect((await postResults(req)).map((p) => p.result!.action)).toEqual(['created', 'created']);
      expect((await postResults(req)).map((p) => p.result!.action)).toEqual(['unchanged', 'unchanged']);
      const comments = gh.comments.get('acme/app#7')!;
      expect(comments).toHaveLength(2);
      expect(comments[0]!.body).toContain('**New CRITICAL and HIGH** (2)');
      expect(comments[1]!.body).toContain('No vulnerabilities found');
      await expect(postResults({ ...req, headSha: 'e'.repeat(40) })).rejects.toThrow(/is for commit d{40}, not this run's e{40}; refusing to post it/);
      await writeFile(join(work, 'ship-image-pr-check-app', 'pr-check-result.json'), '{"schema":"x"}');
      await expect(postResults(req)).rejects.toThrow(/pr-check-result\.json: schema is not/);
    } finally {
      await gh.stop();
      await rm(work, { recursive: true, force: true });
    }
  });
});
