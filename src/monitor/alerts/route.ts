import { severityRank } from '../../scan/vulnerability';
import type { Finding } from '../model';
import type { AlertRoute } from './config';

/** Whether a sink with this route is sent the finding. */
export function routes(route: AlertRoute, finding: Finding): boolean {
  return route.kinds.includes(finding.kind) && severityRank(finding.severity) >= severityRank(route.minSeverity);
}
