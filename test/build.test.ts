/**
 * The build step against real tools: Debian's dockerd and buildah building a tiny FROM scratch
 * image, pushing it to a real CNCF distribution registry on loopback, and the --from sources
 * (a `docker save` tarball, an OCI layout written by buildah).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger, type Logger } from '../src/core/log';
import { buildImage } from '../src/build/build-step';
import { defaultSourceDeps, takeImageFrom } from '../src/build/source';
import { planTags } from '../src/build/tags';
import type { BuildPlan, BuildTarget } from '../src/build/types';
import { OciLayoutStore } from '../src/oci/layout';
import { OCI_MANIFEST } from '../src/oci/media-types';
import { RegistryClient } from '../src/oci/registry';
import type { ImageManifest } from '../src/oci/types';
import { buildahUnavailableReason, createTestBuildah, type TestBuildah } from './support/buildah';
import { dockerdUnavailableReason, startDockerd, type TestDockerd } from './support/dockerd';
import { startRegistry, type TestRegistry } from './support/registry';

const dockerdReason = dockerdUnavailableReason();
const buildahReason = buildahUnavailableReason();
if (dockerdReason) console.warn(`skipping docker build tests: ${dockerdReason}`);
if (buildahReason) console.warn(`skipping buildah build tests: ${buildahReason}`);
const dockerTest = dockerdReason ? test.skip : test;
const buildahTest = buildahReason ? test.skip : test;
/** Debian's 20.10 CLI: BuildKit without the buildx plugin (a newer CLI may come first on PATH). */
const DEBIAN_DOCKER_CLI = '/usr/bin/docker';

jest.setTimeout(240_000);

let registry: TestRegistry;
let securedRegistry: TestRegistry | undefined;
let dockerd: TestDockerd | undefined;
let buildah: TestBuildah | undefined;
let client: RegistryClient;
let authClient: RegistryClient | undefined;
let work: string;
let context: string;
let shaCounter = 0;

/** A fresh 40-hex "commit" per build, so tests never see each other's tags. */
function nextSha(): string {
  shaCounter++;
  return (Date.now().toString(16) + shaCounter.toString(16).padStart(4, '0')).padEnd(40, 'a').slice(0, 40);
}

function recordingLogger(lines: string[]): Logger {
  return { info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: () => undefined };
}

/** The digest the registry itself serves for a tag, over plain HTTP(S), independent of our client. */
async function servedDigest(reg: TestRegistry, repository: string, tag: string): Promise<string> {
  const accept = [
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
  ].join(', ');
  if (reg.url.startsWith('https:')) {
    // Our own client with the test CA: the https module is what it would use anyway.
    return (await (authClient as RegistryClient).repository(reg.host, repository).resolve(tag)).digest;
  }
  const res = await fetch(`${reg.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept } });
  if (res.status !== 200) throw new Error(`registry answered ${res.status} for ${repository}:${tag}`);
  return res.headers.get('docker-content-digest') as string;
}

function registryTarget(reg: TestRegistry, repository: string, withCredentials = false): BuildTarget {
  return {
    kind: 'registry',
    registry: reg.host,
    repository,
    insecure: true,
    credentials: withCredentials ? { username: reg.username as string, password: reg.password as string } : undefined,
  };
}

function plan(builder: BuildPlan['builder'], target: BuildTarget, tags: string[]): BuildPlan {
  return {
    builder,
    context,
    buildArgs: { GREETING: 'hello' },
    labels: { 'org.opencontainers.image.source': 'https://example.invalid/acme/api' },
    platforms: ['linux/amd64'],
    target,
    tags,
  };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-image-build-test-'));
  context = path.join(work, 'context');
  fs.mkdirSync(context);
  fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nARG GREETING\nCOPY hello.txt /\n');
  fs.writeFileSync(path.join(context, 'hello.txt'), 'hello from ship-image\n');

  registry = await startRegistry('open');
  client = new RegistryClient();
  if (!dockerdReason) dockerd = await startDockerd();
  if (!buildahReason) buildah = createTestBuildah();
});

afterAll(async () => {
  client?.close();
  authClient?.close();
  await dockerd?.stop();
  await buildah?.cleanup();
  await registry?.stop();
  await securedRegistry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('docker build + push (real dockerd)', () => {
  dockerTest('the CLI on PATH: the returned digest is what the registry serves for the SHA tag', async () => {
    const lines: string[] = [];
    const { tags } = planTags({ image: `${registry.host}/acme/docker`, commitSha: nextSha(), extraTags: ['latest'] });
    const store = client.repository(registry.host, 'acme/docker');
    const built = await buildImage(plan('docker', registryTarget(registry, 'acme/docker'), tags), {
      store,
      logger: recordingLogger(lines),
      env: { ...process.env, DOCKER_HOST: (dockerd as TestDockerd).host },
    });
    expect(built.builtBy).toBe('docker');
    expect(built.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await servedDigest(registry, 'acme/docker', tags[0])).toBe(built.digest);
    expect(await servedDigest(registry, 'acme/docker', 'latest')).toBe(built.digest);
    expect(built.platforms).toEqual({ 'linux/amd64': built.digest });
    expect(lines.some((l) => l.includes('hello.txt'))).toBe(true);
  });

  const debianCli = fs.existsSync(DEBIAN_DOCKER_CLI) ? dockerTest : test.skip;
  debianCli('BuildKit through the 20.10 CLI, then `docker save` → --from docker-archive: keeps the image ID', async () => {
    const lines: string[] = [];
    const sha = nextSha();
    const env = { ...process.env, DOCKER_HOST: (dockerd as TestDockerd).host };
    const built = await buildImage(plan('docker', registryTarget(registry, 'acme/buildkit'), [sha]), {
      store: client.repository(registry.host, 'acme/buildkit'),
      logger: recordingLogger(lines),
      env,
      dockerPath: DEBIAN_DOCKER_CLI,
    });
    expect(lines.some((l) => l.includes('classic builder'))).toBe(false);
    expect(await servedDigest(registry, 'acme/buildkit', sha)).toBe(built.digest);

    const local = `${registry.host}/acme/buildkit:${sha}`;
    const archive = path.join(work, 'saved.tar');
    execFileSync(DEBIAN_DOCKER_CLI, ['save', '-o', archive, local], { env });
    const imageId = execFileSync(DEBIAN_DOCKER_CLI, ['image', 'inspect', '--format', '{{.Id}}', local], { env, encoding: 'utf8' }).trim();

    const target = client.repository(registry.host, 'acme/from-archive');
    const fromSha = nextSha();
    const taken = await takeImageFrom(`docker-archive:${archive}`, target, [fromSha], defaultSourceDeps({}, silentLogger, client));
    expect(taken.builtBy).toBe('from');
    expect(taken.mediaType).toBe(OCI_MANIFEST);
    expect(await servedDigest(registry, 'acme/from-archive', fromSha)).toBe(taken.digest);
    const manifest = (await target.getManifest(taken.digest)).manifest as ImageManifest;
    expect(manifest.config.digest).toBe(imageId);
    expect(taken.platforms).toEqual({ 'linux/amd64': taken.digest });
  });
});

describe('buildah bud + push (real buildah)', () => {
  buildahTest('to the registry: the returned digest is what the registry serves for the SHA tag', async () => {
    const { tags } = planTags({ image: `${registry.host}/acme/buildah`, commitSha: nextSha(), extraTags: ['v1'] });
    const built = await buildImage(plan('buildah', registryTarget(registry, 'acme/buildah'), tags), {
      store: client.repository(registry.host, 'acme/buildah'),
      logger: silentLogger,
      buildahStorage: (buildah as TestBuildah).storage,
    });
    expect(built.builtBy).toBe('buildah');
    expect(built.mediaType).toBe(OCI_MANIFEST);
    expect(await servedDigest(registry, 'acme/buildah', tags[0])).toBe(built.digest);
    expect(await servedDigest(registry, 'acme/buildah', 'v1')).toBe(built.digest);
    expect(built.platforms).toEqual({ 'linux/amd64': built.digest });
  });

  buildahTest('to an OCI layout, then --from oci-layout: copies it to the registry with its digest', async () => {
    const layoutDir = path.join(work, 'layout');
    const sha = nextSha();
    const layout = new OciLayoutStore(layoutDir);
    const built = await buildImage(plan('auto', { kind: 'oci-layout', dir: layoutDir }, [sha]), {
      store: layout,
      logger: silentLogger,
      buildahStorage: (buildah as TestBuildah).storage,
    });
    expect(built.builtBy).toBe('buildah');
    expect((await layout.resolve(sha)).digest).toBe(built.digest);

    const target = client.repository(registry.host, 'acme/from-layout');
    const tag = nextSha();
    const taken = await takeImageFrom(`oci-layout:${layoutDir}:${sha}`, target, [tag], defaultSourceDeps({}, silentLogger, client));
    expect(taken.digest).toBe(built.digest);
    expect(await servedDigest(registry, 'acme/from-layout', tag)).toBe(built.digest);

    // Already in the target repository: resolved and tagged, not copied.
    const again = await takeImageFrom(`${registry.host}/acme/from-layout:${tag}`, target, ['again'], defaultSourceDeps({}, silentLogger, client));
    expect(again.digest).toBe(built.digest);
    expect(await servedDigest(registry, 'acme/from-layout', 'again')).toBe(built.digest);
  });
});

describe('push credentials through temporary auth files (htpasswd + TLS registry)', () => {
  let secured: TestRegistry | undefined;
  beforeAll(async () => {
    if (dockerdReason && buildahReason) return;
    secured = await startRegistry('htpasswd-tls');
    securedRegistry = secured;
    authClient = new RegistryClient({ caPems: [secured.caPem as string], username: secured.username, password: secured.password });
  });

  buildahTest('buildah pushes with --authfile; nothing is left behind', async () => {
    const reg = secured as TestRegistry;
    const sha = nextSha();
    // A temp dir of this test's own: other test files (and other runs) write auth files too.
    const runnerTemp = fs.mkdtempSync(path.join(work, 'runner-temp-'));
    const built = await buildImage(plan('buildah', registryTarget(reg, 'acme/private', true), [sha]), {
      store: (authClient as RegistryClient).repository(reg.host, 'acme/private'),
      logger: silentLogger,
      env: { ...process.env, RUNNER_TEMP: runnerTemp },
      buildahStorage: (buildah as TestBuildah).storage,
    });
    expect(await servedDigest(reg, 'acme/private', sha)).toBe(built.digest);
    expect(fs.readdirSync(runnerTemp)).toEqual([]);
  });

  dockerTest('docker pushes with a temporary DOCKER_CONFIG', async () => {
    const reg = secured as TestRegistry;
    const sha = nextSha();
    const built = await buildImage(plan('docker', registryTarget(reg, 'acme/private-docker', true), [sha]), {
      store: (authClient as RegistryClient).repository(reg.host, 'acme/private-docker'),
      logger: silentLogger,
      env: { ...process.env, DOCKER_HOST: (dockerd as TestDockerd).host, DOCKER_CONFIG: path.join(work, 'no-such-docker-config') },
    });
    expect(await servedDigest(reg, 'acme/private-docker', sha)).toBe(built.digest);
  });
});
