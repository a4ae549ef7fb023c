import { buildImage } from '../../build/build-step';
import { defaultSourceDeps, takeImageFrom } from '../../build/source';
import type { BuiltImage } from '../../build/types';
import type { ShipEnvironment, ShipPlan } from '../plan';

/**
 * Step 1: build (or take a prebuilt image) and push it under the immutable tag only. Extra,
 * possibly mutable tags are applied last, once the image is attested, so `latest` never names an
 * image without its signature and attestations.
 */
export async function buildStep(plan: ShipPlan, world: ShipEnvironment): Promise<BuiltImage> {
  const immutable = [plan.tags.immutableTag];
  if (plan.inputs.from) {
    world.logger.info(`build: taking ${plan.inputs.from} (no build)`);
    return takeImageFrom(plan.inputs.from, plan.store, immutable, defaultSourceDeps(plan.registryOptions, world.logger, plan.client));
  }
  return buildImage(
    {
      builder: plan.inputs.builder,
      context: plan.inputs.context,
      dockerfile: plan.inputs.file,
      buildArgs: plan.inputs.buildArgs,
      labels: ociLabels(plan),
      platforms: plan.inputs.platforms,
      target: plan.buildTarget,
      tags: immutable,
    },
    { store: plan.store, logger: world.logger, env: world.env },
  );
}

/** The standard OCI labels tying the image to its source. */
function ociLabels(plan: ShipPlan): Record<string, string> {
  const labels: Record<string, string> = {};
  const ctx = plan.buildContext;
  if (ctx) {
    labels['org.opencontainers.image.revision'] = ctx.commit;
    if (ctx.repository !== 'local/unknown') labels['org.opencontainers.image.source'] = `${ctx.serverUrl}/${ctx.repository}`;
  }
  return labels;
}
