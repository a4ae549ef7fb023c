import { EMPTY_JSON, OCI_EMPTY, OCI_MANIFEST, ANNOTATION } from '../../oci/media-types';
import { RegistryClient, type RegistryClientOptions } from '../../oci/registry';
import { NotFoundError } from '../../oci/store';
import type { ImageManifest } from '../../oci/types';
import { UserError } from '../../core/errors';
import { formatBytes } from '../../core/read-capped';
import { emptyState, type MonitorState, type StateStore } from '../model';
import { parseState, serializeState, STATE_MAX_BYTES } from './schema';

// The state as an OCI 1.1 artifact under a tag: an empty config, one layer holding the state
// JSON. The registry's manifest PUT is the atomic step: a push interrupted before it leaves the
// tag on the previous state (blobs alone change nothing), and a reader sees one state or the other.

export const STATE_ARTIFACT_TYPE = 'application/vnd.ship-image.monitor-state.v1+json';
export const STATE_LAYER_MEDIA_TYPE = 'application/vnd.ship-image.monitor-state.v1+json';
const TAG_ANNOTATION = 'dev.ship-image.monitor.state-tag';

export interface OciStateTarget {
  registry: string;
  repository: string;
  tag: string;
  display: string;
}

export class OciStateStore implements StateStore {
  readonly location: string;

  constructor(
    private readonly target: OciStateTarget,
    private readonly registry: RegistryClientOptions = {},
    private readonly client?: RegistryClient,
  ) {
    this.location = target.display;
  }

  async load(): Promise<MonitorState> {
    return this.withRepository(async (repo) => {
      let manifest: ImageManifest;
      try {
        manifest = (await repo.getManifest(this.target.tag, [OCI_MANIFEST])).manifest as ImageManifest;
      } catch (err) {
        if (err instanceof NotFoundError) return emptyState();
        throw err;
      }
      const damaged = (why: string): never => {
        throw new UserError(`${this.location}: the tag does not hold a monitor state (${why}); point --state at a tag of its own, or delete the tag to start afresh`);
      };
      if (manifest.artifactType !== STATE_ARTIFACT_TYPE) damaged(`artifactType is ${JSON.stringify(manifest.artifactType ?? null)}, not ${STATE_ARTIFACT_TYPE}`);
      const layers = Array.isArray(manifest.layers) ? manifest.layers : [];
      const layer = layers[0];
      if (layers.length !== 1 || !layer || layer.mediaType !== STATE_LAYER_MEDIA_TYPE) damaged(`not exactly one ${STATE_LAYER_MEDIA_TYPE} layer`);
      if (!(Number.isSafeInteger(layer!.size) && layer!.size >= 0)) damaged('the layer size is not a number');
      if (layer!.size > STATE_MAX_BYTES) damaged(`the layer is ${formatBytes(layer!.size)}, more than the ${formatBytes(STATE_MAX_BYTES)} a state may hold`);
      const bytes = await repo.getBlob(layer!, STATE_MAX_BYTES);
      return parseState(bytes, this.location);
    });
  }

  async save(state: MonitorState): Promise<void> {
    const bytes = serializeState(state, this.location);
    await this.withRepository(async (repo) => {
      const config = await repo.putBlob(EMPTY_JSON, OCI_EMPTY);
      const layer = await repo.putBlob(bytes, STATE_LAYER_MEDIA_TYPE);
      const manifest = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: STATE_ARTIFACT_TYPE,
        config: { mediaType: OCI_EMPTY, digest: config.digest, size: config.size },
        layers: [{ mediaType: STATE_LAYER_MEDIA_TYPE, digest: layer.digest, size: layer.size }],
        annotations: { [ANNOTATION.created]: new Date().toISOString(), [TAG_ANNOTATION]: this.target.tag },
      };
      await repo.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, this.target.tag);
    });
  }

  private async withRepository<T>(fn: (repo: ReturnType<RegistryClient['repository']>) => Promise<T>): Promise<T> {
    const client = this.client ?? new RegistryClient(this.registry);
    try {
      return await fn(client.repository(this.target.registry, this.target.repository));
    } finally {
      if (!this.client) client.close();
    }
  }
}
