import { PREDICATE } from '../oci/media-types';
import { splitWorkflowRef, type BuildContext } from './build-context';
import { makeStatement, type Statement, type SubjectInput } from './statement';

/** GitHub Actions' build type (actions/attest-build-provenance). */
export const GITHUB_WORKFLOW_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';
/** Ours, for builds outside GitHub Actions: same shape, no claim to be a GitHub workflow. */
export const LOCAL_BUILD_TYPE = 'https://github.com/ship-image/buildtypes/local/v1';

export interface ProvenancePredicate {
  buildDefinition: {
    buildType: string;
    externalParameters: { workflow: { ref: string; repository: string; path: string } };
    internalParameters: {
      github: { event_name: string; repository_id: string; repository_owner_id: string; runner_environment: string };
    };
    resolvedDependencies: Array<{ uri: string; digest: { gitCommit: string } }>;
  };
  runDetails: {
    builder: { id: string };
    metadata: { invocationId: string; startedOn?: string; finishedOn?: string };
  };
}

export interface ProvenanceTimes {
  startedOn?: Date;
  finishedOn?: Date;
}

/** SLSA provenance v1 in the shape GitHub's own attestations use. */
export function provenancePredicate(ctx: BuildContext, times: ProvenanceTimes = {}): ProvenancePredicate {
  const server = ctx.serverUrl.replace(/\/+$/, '');
  const workflow = ctx.workflowRef ? splitWorkflowRef(ctx.workflowRef) : undefined;
  const builderRef = ctx.jobWorkflowRef ?? ctx.workflowRef;
  const metadata: ProvenancePredicate['runDetails']['metadata'] = {
    invocationId:
      ctx.runId !== undefined
        ? `${server}/${ctx.repository}/actions/runs/${ctx.runId}/attempts/${ctx.runAttempt ?? '1'}`
        : `${server}/${ctx.repository}@${ctx.commit}`,
  };
  if (times.startedOn) metadata.startedOn = times.startedOn.toISOString();
  if (times.finishedOn) metadata.finishedOn = times.finishedOn.toISOString();
  return {
    buildDefinition: {
      buildType: ctx.ci === 'github' ? GITHUB_WORKFLOW_BUILD_TYPE : LOCAL_BUILD_TYPE,
      externalParameters: {
        workflow: {
          ref: workflow?.ref ?? ctx.ref,
          repository: `${server}/${workflow?.repository ?? ctx.repository}`,
          path: workflow?.path ?? '',
        },
      },
      internalParameters: {
        github: {
          event_name: ctx.eventName ?? '',
          repository_id: ctx.repositoryId ?? '',
          repository_owner_id: ctx.repositoryOwnerId ?? '',
          runner_environment: ctx.runnerEnvironment ?? (ctx.ci === 'local' ? 'local' : ''),
        },
      },
      resolvedDependencies: resolvedDependencies(ctx, server),
    },
    runDetails: {
      builder: { id: builderRef ? `${server}/${builderRef}` : `${server}/${ctx.repository}` },
      metadata,
    },
  };
}

/**
 * The source built, then, when the job runs another workflow file (a reusable workflow), that
 * workflow's repository at the commit that ran: the code that built and signed is part of the input.
 */
function resolvedDependencies(ctx: BuildContext, server: string): ProvenancePredicate['buildDefinition']['resolvedDependencies'] {
  const source = { uri: `git+${server}/${ctx.repository}${ctx.ref ? `@${ctx.ref}` : ''}`, digest: { gitCommit: ctx.commit } };
  const job = ctx.jobWorkflowRef ? splitWorkflowRef(ctx.jobWorkflowRef) : undefined;
  if (!job || !ctx.jobWorkflowSha) return [source];
  if (job.repository.toLowerCase() === ctx.repository.toLowerCase() && ctx.jobWorkflowSha === ctx.commit) return [source];
  return [source, { uri: `git+${server}/${job.repository}@${job.ref}`, digest: { gitCommit: ctx.jobWorkflowSha } }];
}

export function provenanceStatement(subject: SubjectInput | SubjectInput[], ctx: BuildContext, times?: ProvenanceTimes): Statement<ProvenancePredicate> {
  return makeStatement(subject, PREDICATE.slsaProvenance, provenancePredicate(ctx, times));
}
