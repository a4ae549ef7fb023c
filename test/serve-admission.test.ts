/**
 * `ship-image serve` as a cluster meets it: the real command over real TLS (a CA made here), asked
 * exactly as Gatekeeper and the API server ask (test/support/admission-requests.ts builds the
 * requests from their source structs), about REAL shipped images in a real registry (CNCF
 * distribution, keyless signing on the loopback Sigstore stack, the real trivy with the fixture DB).
 * Gatekeeper and the API server themselves cannot run here: their requests are what stands in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeServeCommand } from '../src/cli/commands/serve';
import { ANNOTATION, PREDICATE } from '../src/oci/media-types';
import { RegistryClient } from '../src/oci/registry';
import type { RepositoryStore } from '../src/oci/store';
import type { Serving } from '../src/serve/run';
import { ship, type ShipResult } from '../src/ship/run';
import { admissionReview, httpsRequest, providerRequest, workload, type ClientTls } from './support/admission-requests';
import { DEFAULT_GITHUB_CLAIMS, GITHUB_ISSUER, startOidcServer, type OidcServer } from './support/oidc';
import { writePolicyFile } from './support/policy-file';
import { freePort } from './support/ports';
import { startRegistry, type TestRegistry } from './support/registry';
import { copyWithReferrers, makeFixtureSources, shipInputs, shipWorld } from './support/ship-fixture';
import { startSigstoreStack, type SigstoreStack } from './support/sigstore';
import { makeClientCert, makeServerTls, type TestServerTls } from './support/tls';

jest.setTimeout(300_000);

const W1_SAN = `https://github.com/${DEFAULT_GITHUB_CLAIMS.job_workflow_ref as string}`;

interface Running {
  port: number;
  serving: Serving;
  stop(): Promise<void>;
  stderr: string[];
}

describe('serve: Gatekeeper provider and admission webhook over shipped images', () => {
  let dir: string;
  let registry: TestRegistry;
  let oidc: OidcServer;
  let stack: SigstoreStack;
  let client: RegistryClient;
  let tls: TestServerTls;
  let good: ShipResult;
  let vulnerable: ShipResult;
  let policyPath: string;
  let server: Running;
  let audit: Running;
  let mtls: Running;
  let gatekeeperCert: { certPem: string; keyPem: string };
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8 });

  const ref = (repo: string, tagOrDigest: string) => `${registry.host}/${repo}${tagOrDigest.startsWith('sha256:') ? '@' : ':'}${tagOrDigest}`;
  const store = (repo: string): RepositoryStore => client.repository(registry.host, repo);
  const clientTls = (): ClientTls => ({ ca: tls.caPem, agent });

  function writePolicy(criticalGrace = '168h'): void {
    policyPath = writePolicyFile(dir, 'policy', {
      images: '127.0.0.1:*',
      mode: 'enforce',
      trustedRoot: stack.trustedRootPath,
      identities: [`{issuer: ${JSON.stringify(GITHUB_ISSUER)}, subject: ${JSON.stringify(W1_SAN)}}`],
      require: [`vulnerabilities: {maxScanAge: 168h, criticalGrace: ${criticalGrace}}`],
    });
  }

  /** The real CLI command, listening on a free loopback port until stop(). */
  async function startServe(extra: string[] = []): Promise<Running> {
    const port = await freePort();
    const stderr: string[] = [];
    let release!: () => void;
    let serving!: Serving;
    let up!: () => void;
    const started = new Promise<void>((resolve) => (up = resolve));
    const command = makeServeCommand({
      env: { PATH: process.env.PATH },
      writeStdout: () => undefined,
      writeStderr: (t) => stderr.push(t),
      stopped: (s) => {
        serving = s;
        up();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const done = command.run(['--policy', policyPath, '--tls-cert', tls.certFile, '--tls-key', tls.keyFile, '--listen', `127.0.0.1:${port}`, ...extra]);
    await Promise.race([started, done.then((code) => Promise.reject(new Error(`serve exited ${code}: ${stderr.join('')}`)))]);
    return {
      port,
      serving,
      stderr,
      stop: async () => {
        release();
        expect(await done).toBe(0);
      },
    };
  }

  const gatekeeper = (s: Running, keys: string[], t: ClientTls = clientTls()) => httpsRequest(s.port, 'POST', '/gatekeeper', t, providerRequest(keys));
  const validate = (s: Running, review: unknown) => httpsRequest(s.port, 'POST', '/validate', clientTls(), review);
  const item = async (s: Running, key: string) => {
    const res = await gatekeeper(s, [key]);
    expect(res.status).toBe(200);
    return res.json().response.items[0];
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'serve-admission-'));
    let sources;
    [registry, oidc, sources] = await Promise.all([startRegistry('open'), startOidcServer(), makeFixtureSources(path.join(dir, 'sources'))]);
    stack = await startSigstoreStack();
    client = new RegistryClient();
    tls = makeServerTls(dir);
    gatekeeperCert = makeClientCert(dir, 'gatekeeper', 'gatekeeper-audit');
    const sigstore = { fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL };
    const run = (from: string, repo: string, extra: Parameters<typeof shipInputs>[4] = {}) =>
      ship(shipInputs(from, `${registry.host}/${repo}`, sources.trivyCache, path.join(dir, `out-${repo.replace('/', '-')}`), { sigstore, ...extra }), shipWorld(dir, oidc));
    [good, vulnerable] = await Promise.all([run(sources.patched, 'acme/good', { extraTags: ['release'] }), run(sources.vulnerable, 'acme/vulnerable')]);
    const predicate = (r: { manifest: { annotations?: Record<string, string> } }) => r.manifest.annotations?.[ANNOTATION.bundlePredicateType];
    await Promise.all([
      copyWithReferrers(store('acme/good'), store('acme/unsigned'), good.outputs.digest, 'v1', (r) => predicate(r) !== PREDICATE.signature),
      copyWithReferrers(store('acme/good'), store('acme/no-sbom'), good.outputs.digest, 'v1', (r) => predicate(r) !== PREDICATE.cyclonedx),
    ]);
    writePolicy();
    [server, audit, mtls] = await Promise.all([startServe(), startServe(['--audit']), startServe(['--client-ca', tls.caFile])]);
  }, 900_000);

  afterAll(async () => {
    agent.destroy();
    await Promise.all([server?.stop(), audit?.stop(), mtls?.stop()].filter(Boolean));
    client?.close();
    await Promise.all([registry?.stop(), stack?.stop(), oidc?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Gatekeeper: the signed, patched image is allowed; the tag is resolved and the message says so', async () => {
    const res = await gatekeeper(server, [ref('acme/good', 'v1'), ref('acme/good', good.outputs.digest)]);
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ apiVersion: 'externaldata.gatekeeper.sh/v1beta1', kind: 'ProviderResponse' });
    expect(body.response.systemError).toBeUndefined();
    const [byTag, byDigest] = body.response.items;
    expect(byTag).toEqual({
      key: ref('acme/good', 'v1'),
      value: {
        image: ref('acme/good', 'v1'),
        digest: good.outputs.digest,
        resolvedFromTag: 'v1',
        allowed: true,
        passed: true,
        rules: [
          { rule: 'signature', passed: true, reason: expect.any(String) },
          { rule: 'sbom', passed: true, reason: expect.any(String) },
          { rule: 'vulnerabilities', passed: true, reason: expect.any(String) },
        ],
        message: `${ref('acme/good', 'v1')} (tag 'v1' resolved to ${good.outputs.digest} at admission; the verdict is for that digest): allowed, every rule passed`,
      },
    });
    expect(byDigest.value).toMatchObject({ allowed: true, digest: good.outputs.digest });
    expect(byDigest.value.resolvedFromTag).toBeUndefined();
  });

  test.each([
    ['signature', 'acme/unsigned', ['signature']],
    ['CRITICAL CVE past the grace', 'acme/vulnerable', ['vulnerabilities']],
    ['no SBOM', 'acme/no-sbom', ['sbom']],
  ])('Gatekeeper: denied by %s, with the rule and its reason', async (_name, repo, rules) => {
    const it = await item(server, ref(repo, 'v1'));
    expect(it.error).toBeUndefined();
    expect(it.value.allowed).toBe(false);
    expect(it.value.rules.filter((r: { passed: boolean }) => !r.passed).map((r: { rule: string }) => r.rule)).toEqual(rules);
    expect(it.value.message).toContain(`${ref(repo, 'v1')} (tag 'v1' resolved to`);
    expect(it.value.message).toContain(`denied by ${rules[0]}: `);
    if (repo === 'acme/vulnerable') expect(it.value.message).toMatch(/CVE-2019-10744/);
  });

  test('webhook: a Pod, and the pod templates of every workload kind, with init and ephemeral containers', async () => {
    const kinds = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;
    for (const kind of kinds) {
      const allowed = await validate(server, admissionReview(workload(kind, 'api', { containers: [ref('acme/good', 'v1')], initContainers: [ref('acme/good', good.outputs.digest)] })));
      expect(allowed.status).toBe(200);
      const ok = allowed.json();
      expect(ok).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { allowed: true } });
      expect(ok.response.warnings).toBeUndefined();

      const review = admissionReview(workload(kind, 'api', { containers: [ref('acme/good', 'v1')], initContainers: [ref('acme/vulnerable', 'v1')] }));
      const denied = (await validate(server, review)).json();
      expect(denied.response.uid).toBe((review.request as { uid: string }).uid);
      expect(denied.response.allowed).toBe(false);
      expect(denied.response.status).toMatchObject({ code: 403, reason: 'Forbidden' });
      expect(denied.response.status.message).toContain(`${ref('acme/vulnerable', 'v1')} (tag 'v1' resolved to ${vulnerable.outputs.digest} at admission; the verdict is for that digest): denied by vulnerabilities:`);
      expect(denied.response.status.message).toContain('[container init0 (initContainer)]');
    }
    const debug = await validate(server, admissionReview(workload('Pod', 'api', { containers: [ref('acme/good', 'v1')], ephemeralContainers: [ref('acme/no-sbom', 'v1')] }), 'UPDATE'));
    expect(debug.json().response.allowed).toBe(false);
    expect(debug.json().response.status.message).toContain('denied by sbom');
    // Nothing about to run: a DELETE is allowed without a look at any image.
    expect((await validate(server, admissionReview(workload('Pod', 'api', { containers: [ref('acme/vulnerable', 'v1')] }), 'DELETE'))).json().response).toMatchObject({ allowed: true });
  });

  test('an image outside spec.images is not checked (as the rendered engines leave it alone)', async () => {
    const it = await item(server, 'docker.io/library/nginx:1.27');
    expect(it.value).toMatchObject({ image: 'docker.io/library/nginx:1.27', allowed: true, passed: true, rules: [] });
    expect(it.value.message).toMatch(/not covered by the policy's spec.images/);
  });

  test('a tag that moved: the verdict follows the digest it names now, and says which', async () => {
    await copyWithReferrers(store('acme/good'), store('acme/moving'), good.outputs.digest, 'release');
    expect((await item(server, ref('acme/moving', 'release'))).value).toMatchObject({ allowed: true, digest: good.outputs.digest });
    // Re-pointed at the vulnerable image, pushed without attestations.
    const moved = await copyWithReferrers(store('acme/vulnerable'), store('acme/moving'), vulnerable.outputs.digest, 'release', () => false);
    const after = (await item(server, ref('acme/moving', 'release'))).value;
    expect(after).toMatchObject({ allowed: false, digest: moved.digest, resolvedFromTag: 'release' });
    expect(after.message).toContain(`tag 'release' resolved to ${moved.digest} at admission`);
  });

  test('a registry that is down: fail closed, with the reason', async () => {
    const down = `127.0.0.1:${await freePort()}/acme/api:v1`;
    const it = await item(server, down);
    expect(it.value).toBeUndefined();
    expect(it.error).toMatch(new RegExp(`^${down.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot be verified, denied \\(fail closed\\): .*(ECONNREFUSED|connect|refused)`, 'i'));
    const review = (await validate(server, admissionReview(workload('Pod', 'api', { containers: [down] })))).json();
    expect(review.response.allowed).toBe(false);
    expect(review.response.status.message).toMatch(/fail closed/);
  });

  test('malformed requests: 400 with one clear line', async () => {
    const notJson = await httpsRequest(server.port, 'POST', '/validate', clientTls(), '{"kind": "AdmissionReview", ');
    expect(notJson.status).toBe(400);
    expect(notJson.text).toMatch(/^the request body is not JSON: .*\n$/);
    expect(notJson.text.trim().split('\n')).toHaveLength(1);

    const wrongKind = await httpsRequest(server.port, 'POST', '/gatekeeper', clientTls(), { apiVersion: 'externaldata.gatekeeper.sh/v1beta1', kind: 'ProviderResponse', request: { keys: [] } });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.json()).toEqual({ apiVersion: 'externaldata.gatekeeper.sh/v1beta1', kind: 'ProviderResponse', response: { systemError: "kind must be ProviderRequest, got 'ProviderResponse'" } });

    const noUid = admissionReview(workload('Pod', 'api', { containers: ['x'] }));
    delete (noUid.request as Record<string, unknown>).uid;
    expect((await validate(server, noUid)).text).toBe('request.uid is missing\n');

    const badSpec = admissionReview(workload('Deployment', 'api', { containers: ['x'] }));
    ((badSpec.request as { object: { spec: { template: { spec: Record<string, unknown> } } } }).object.spec.template.spec).containers = 'nginx';
    const bad = await validate(server, badSpec);
    expect(bad.status).toBe(400);
    expect(bad.text).toBe('request.object.spec.template.spec.containers is not a list\n');
  });

  test('an oversized request is refused (413) before it is read', async () => {
    const res = await httpsRequest(server.port, 'POST', '/validate', clientTls(), undefined, { 'content-type': 'application/json', 'content-length': String(5 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.text).toBe('the request body is larger than 4 MiB; refused\n');
  });

  test('with --client-ca: a client without a certificate from that CA is refused; Gatekeeper with its certificate is answered', async () => {
    const without = await httpsRequest(mtls.port, 'POST', '/gatekeeper', { ca: tls.caPem }, providerRequest([ref('acme/good', 'v1')]));
    expect(without.status).toBe(403);
    expect(without.json().response.systemError).toMatch(/^a client certificate signed by the --client-ca is required/);
    const otherDir = mkdtempSync(path.join(dir, 'other-ca-'));
    makeServerTls(otherDir);
    const stranger = makeClientCert(otherDir, 'stranger', 'gatekeeper-audit');
    const foreign = await httpsRequest(mtls.port, 'POST', '/validate', { ca: tls.caPem, cert: stranger.certPem, key: stranger.keyPem }, admissionReview(workload('Pod', 'a', { containers: ['x'] })));
    expect(foreign.status).toBe(403);
    expect(foreign.text).toMatch(/^a client certificate signed by the --client-ca is required \(.+\)\n$/);
    const withCert = await httpsRequest(mtls.port, 'POST', '/gatekeeper', { ca: tls.caPem, cert: gatekeeperCert.certPem, key: gatekeeperCert.keyPem }, providerRequest([ref('acme/good', 'v1')]));
    expect(withCert.status).toBe(200);
    expect(withCert.json().response.items[0].value.allowed).toBe(true);
    // Probes carry no client certificate.
    expect((await httpsRequest(mtls.port, 'GET', '/healthz', { ca: tls.caPem })).status).toBe(200);
  });

  test('audit mode: nothing is denied, the failures come back as warnings', async () => {
    const review = (await validate(audit, admissionReview(workload('Deployment', 'api', { containers: [ref('acme/vulnerable', 'v1'), ref('acme/good', 'v1')] })))).json();
    expect(review.response.allowed).toBe(true);
    expect(review.response.warnings).toHaveLength(1);
    expect(review.response.warnings[0]).toMatch(new RegExp(`^ship-image: ${ref('acme/vulnerable', 'v1').replace(/[.]/g, '\\.')} .*would be denied \\(audit mode\\) by vulnerabilities`));
    const it = await item(audit, ref('acme/unsigned', 'v1'));
    expect(it.value).toMatchObject({ allowed: true, passed: false });
    // For Gatekeeper, audit is the Constraint's enforcementAction (warn): an unverifiable image stays an error.
    const down = await item(audit, `127.0.0.1:${await freePort()}/acme/api:v1`);
    expect(down.error).toMatch(/cannot be verified, denied \(fail closed\)/);
    const webhook = (await validate(audit, admissionReview(workload('Pod', 'api', { containers: [`127.0.0.1:${await freePort()}/acme/api:v1`] })))).json();
    expect(webhook.response.allowed).toBe(true);
    expect(webhook.response.warnings[0]).toMatch(/cannot be verified, audit mode lets it in/);
  });

  test('concurrent requests for one digest share one verification; the next ones are cache hits', async () => {
    const verifications = () => Number(/ship_image_serve_registry_seconds_count\{op="verify",result="ok"\} (\d+)/.exec(server.serving.metrics.render())?.[1] ?? 0);
    await copyWithReferrers(store('acme/good'), store('acme/shared'), good.outputs.digest, 'v1');
    const before = verifications();
    const answers = await Promise.all(Array.from({ length: 12 }, () => item(server, ref('acme/shared', 'v1'))));
    for (const a of answers) expect(a.value.allowed).toBe(true);
    expect(verifications() - before).toBe(1);
    await item(server, ref('acme/shared', 'v1'));
    expect(verifications() - before).toBe(1);
  });

  test('the policy is reloaded when its file changes, without a restart', async () => {
    expect((await item(server, ref('acme/vulnerable', 'v1'))).value.allowed).toBe(false);
    const generation = () => Number(/ship_image_serve_policy_generation (\d+)/.exec(server.serving.metrics.render())![1]);
    const was = generation();
    writePolicy('87600h');
    for (let i = 0; i < 600 && generation() === was; i++) await new Promise((r) => setTimeout(r, 50));
    expect(generation()).toBe(was + 1);
    expect((await item(server, ref('acme/vulnerable', 'v1'))).value).toMatchObject({ allowed: true, passed: true });
    writePolicy();
    for (let i = 0; i < 600 && generation() === was + 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await item(server, ref('acme/vulnerable', 'v1'))).value.allowed).toBe(false);
    // A broken file keeps the policy in force.
    writeFileSync(policyPath, 'apiVersion: ship-image/v1\nkind: Policy\nspec: [');
    server.serving.reload();
    expect((await item(server, ref('acme/vulnerable', 'v1'))).value.allowed).toBe(false);
    expect(server.stderr.join('')).toMatch(/policy reload \(.*\) failed, keeping generation/);
    writePolicy();
    server.serving.reload();
  });

  test('SIGHUP reloads while requests are in flight: every one is answered', async () => {
    const reloads = () => Number(/ship_image_serve_policy_reloads_total\{result="unchanged"\} (\d+)/.exec(server.serving.metrics.render())?.[1] ?? 0);
    const before = reloads();
    await copyWithReferrers(store('acme/good'), store('acme/during-reload'), good.outputs.digest, 'v1');
    const answers = Array.from({ length: 20 }, (_, i) => item(server, ref(i % 2 ? 'acme/during-reload' : 'acme/good', 'v1')));
    // The handler the command installed, as the signal would run it (a real SIGHUP would reach jest's own process, outside this sandbox).
    process.emit('SIGHUP', 'SIGHUP');
    for (const a of await Promise.all(answers)) expect(a.value.allowed).toBe(true);
    for (let i = 0; i < 600 && reloads() === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(reloads()).toBeGreaterThan(before);
  });

  test('health, readiness and metrics', async () => {
    expect((await httpsRequest(server.port, 'GET', '/healthz', clientTls())).text).toBe('ok\n');
    expect((await httpsRequest(server.port, 'GET', '/readyz', clientTls())).status).toBe(200);
    const res = await httpsRequest(server.port, 'GET', '/metrics', clientTls());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4');
    const text = res.text;
    for (const line of [
      /^# TYPE ship_image_serve_requests_total counter$/m,
      /^ship_image_serve_requests_total\{endpoint="gatekeeper",code="200"\} \d+$/m,
      /^ship_image_serve_requests_total\{endpoint="validate",code="400"\} \d+$/m,
      /^ship_image_serve_requests_total\{endpoint="validate",code="413"\} 1$/m,
      /^ship_image_serve_verdicts_total\{verdict="failed"\} \d+$/m,
      /^ship_image_serve_verdicts_total\{verdict="error"\} \d+$/m,
      /^ship_image_serve_rule_failures_total\{rule="signature"\} \d+$/m,
      /^ship_image_serve_rule_failures_total\{rule="sbom"\} \d+$/m,
      /^ship_image_serve_rule_failures_total\{rule="vulnerabilities"\} \d+$/m,
      /^ship_image_serve_cache_requests_total\{cache="verdict",result="hit"\} \d+$/m,
      /^ship_image_serve_bundle_cache_hits_total \d+$/m,
      /^# TYPE ship_image_serve_registry_seconds histogram$/m,
      /^ship_image_serve_registry_seconds_bucket\{op="resolve",result="ok",le="\+Inf"\} \d+$/m,
      /^ship_image_serve_policy_reloads_total\{result="failed"\} 1$/m,
    ]) {
      expect(text).toMatch(line);
    }
    expect((await httpsRequest(server.port, 'GET', '/nowhere', clientTls())).status).toBe(404);
    expect((await httpsRequest(server.port, 'GET', '/validate', clientTls())).status).toBe(405);
  });
});
