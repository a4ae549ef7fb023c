import { statSync } from 'node:fs';
import { UserError } from '../../core/errors';
import { inertText } from '../../core/untrusted-text';
import { READ_CAPS, readStdinCapped } from '../../core/read-capped';
import { hasDrift } from '../../drift/compare';
import { driftBetween } from '../../drift/drift';
import { processMountPoints, processRoot, readSbomFile, scanRootfs } from '../../drift/observe';
import { driftJson, driftText } from '../../drift/render';
import { attestedBaseSbom } from '../../prcheck/base-sbom';
import { loadPolicy } from '../../policy';
import { resolveTool } from '../../tools/resolve-tool';
import { loadTrustedRoot } from '../../verify/trusted-root';
import { flagCommand, type Command } from '../command';
import { REGISTRY_FLAGS, registryOptionsFromFlags, type RegistryFlagValues } from '../registry-flags';

const USAGE =
  'ship-image drift --attested SBOM|IMAGE (--observed SBOM | --rootfs DIR | --pid PID) [--policy FILE] [--json] [--trivy PATH] [--trivy-cache DIR] [--trusted-root FILE] [--insecure-registry HOST]...';

const HELP = `usage: ${USAGE}

Compares what runs with the SBOM that was attested at build time, by package URL: packages added
(an apt-get install after the build), removed, and changed version. Purls are compared by
type/namespace/name and version only, so the same package written by two tools (qualifiers such
as arch, distro, upstream; the epoch as a qualifier or in the version; percent-encoding) is one.
Either side may be CycloneDX or SPDX JSON.

exit codes: 0 no drift, 1 drift, 2 error

options:
  --attested SBOM|IMAGE  the SBOM file the image was shipped with (CycloneDX, SPDX, or an in-toto
                         statement, DSSE envelope or Sigstore bundle carrying one; a file is taken
                         as given), or an image whose SBOM attestation is fetched and verified
                         against --policy's identities (the newest one the policy accepts)
  --observed SBOM        what runs, as an SBOM file
  --rootfs DIR           what runs, as a directory (an unpacked image or a container's root),
                         SBOMed with trivy's rootfs scan (offline; no vulnerability DB needed)
  --pid PID              what runs, as a process: its root (/proc/PID/root) is scanned like --rootfs
                         (needs root or CAP_SYS_PTRACE over the process)
  --policy FILE          with --attested IMAGE: the policy whose identities the attestation must match
  --json                 print {"added":[purl],"removed":[purl],"changed":[{"name","from","to"}]}
  --trivy PATH           the trivy binary for --rootfs and --pid (default: the pinned one)
  --trivy-cache DIR      trivy's cache dir (default: a fresh temporary one)
  --trusted-root FILE    with --attested IMAGE: the Sigstore root (default: the policy's)
  --insecure-registry HOST, --username U --password-stdin, --timeout D: registry access for --attested IMAGE
`;

const FLAGS = {
  attested: { type: 'string' },
  observed: { type: 'string' },
  rootfs: { type: 'string' },
  pid: { type: 'string' },
  policy: { type: 'string' },
  json: { type: 'boolean' },
  trivy: { type: 'string' },
  'trivy-cache': { type: 'string' },
  'trusted-root': { type: 'string' },
  ...REGISTRY_FLAGS,
} as const;

export interface DriftCommandDeps {
  writeStdout(text: string): void;
  now(): Date;
  /** Where `--pid` looks for processes (tests may point it at another procfs mount). */
  procRoot?: string;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function makeDriftCommand(deps: DriftCommandDeps): Command {
  return flagCommand({ flags: FLAGS, usage: USAGE, help: HELP, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
    if (positionals.length > 0) throw new UserError(`drift takes no positional arguments; usage: ${USAGE}`);
    const attestedArg = values.attested;
    if (!attestedArg) throw new UserError(`--attested SBOM|IMAGE is required; usage: ${USAGE}`);
    const sources = (['observed', 'rootfs', 'pid'] as const).filter((k) => values[k] !== undefined);
    if (sources.length !== 1) throw new UserError(`give exactly one of --observed SBOM, --rootfs DIR or --pid PID; usage: ${USAGE}`);
    const pidRoot = values.pid !== undefined ? processRoot(values.pid, deps.procRoot) : undefined;
    try {
      const attested = isFile(attestedArg) ? await readSbomFile(attestedArg) : await attestedFromImage(attestedArg, values, deps.now());
      let observed: unknown;
      let observedName: string;
      if (values.observed !== undefined) {
        observed = await readSbomFile(values.observed);
        observedName = values.observed;
      } else {
        const dir = values.rootfs ?? pidRoot!;
        const trivy = values.trivy ?? (await resolveTool('trivy')).path;
        // A process's volumes and bind mounts are not its image.
        const skipDirs = values.pid !== undefined ? await processMountPoints(deps.procRoot ?? '/proc', Number(values.pid)) : [];
        observed = await scanRootfs(dir, { trivy, cacheDir: values['trivy-cache'], skipDirs });
        observedName = values.pid !== undefined ? `process ${values.pid}` : dir;
      }
      const drift = driftBetween(attested, observed, { attested: attestedArg, observed: observedName });
      deps.writeStdout(values.json ? JSON.stringify(driftJson(drift), null, 2) + '\n' : driftText(drift, { attested: attestedArg, observed: observedName }));
      return hasDrift(drift) ? 1 : 0;
    } catch (err) {
      // Exit 1 means drift: any other failure (trivy, the registry) is an error, exit 2.
      if (err instanceof UserError) throw err;
      throw new UserError(inertText((err as Error).message ?? String(err), { max: 2000 }));
    }
  });
}

async function attestedFromImage(ref: string, values: { policy?: string; 'trusted-root'?: string } & RegistryFlagValues, now: Date): Promise<unknown> {
  if (!values.policy) throw new UserError(`--attested '${inertText(ref, { max: 200 })}' is not a file, so it names an image: give --policy FILE, whose identities its SBOM attestation must match`);
  const policy = loadPolicy(values.policy);
  const found = await attestedBaseSbom(ref, policy, {
    registry: registryOptionsFromFlags(values, process.env, () => readStdinCapped(READ_CAPS.stdin, { what: 'the registry password' })),
    trustedRoot: values['trusted-root'] ? loadTrustedRoot({ kind: 'file', path: values['trusted-root'] }) : undefined,
    now,
  });
  if (!found.found) throw new UserError(found.reason);
  return found.document;
}

export const driftCommand: Command = makeDriftCommand({ writeStdout: (text) => process.stdout.write(text), now: () => new Date() });

/** What src/cli/main.ts loads. */
export const command = driftCommand;
