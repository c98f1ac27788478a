/**
 * Replays pod snapshots recorded from real clusters (pulumi-kubernetes' await test data, vendored under
 * test/data/recordings/pulumi-kubernetes, see SOURCE.md there) through our FE readiness check.
 * A recorded pod is a plain pod; to reach the container-status part of `feReadiness` it is dressed as the FE pod
 * of a restore generation: the generation env on its first container, the StatefulSet's revision label, and a
 * StatefulSet whose status is current. Nothing else of the recording changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { feReadiness, RESTORE_GENERATION_ENV, REVISION_LABEL, type Readiness } from '../../lib/dr/readiness';

export const RECORDINGS = join(__dirname, '..', 'data', 'recordings', 'pulumi-kubernetes');
const REVISION = 'recorded-1';

export function loadWorkflows(): Map<string, V1Pod[]> {
  const dir = join(RECORDINGS, 'workflows', 'pod');
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, f), 'utf8')) as V1Pod[]]));
}

export function loadState(name: string): V1Pod {
  return JSON.parse(readFileSync(join(RECORDINGS, 'states', 'pod', `${name}.json`), 'utf8')) as V1Pod;
}

function asRestoringFe(pod: V1Pod): V1Pod {
  const copy: V1Pod = JSON.parse(JSON.stringify(pod));
  const c = copy.spec!.containers[0];
  c.env = [...(c.env ?? []), { name: RESTORE_GENERATION_ENV, value: '1' }];
  copy.metadata!.labels = { ...(copy.metadata!.labels ?? {}), [REVISION_LABEL]: REVISION };
  return copy;
}

const STATEFUL_SET: V1StatefulSet = {
  metadata: { name: 'recorded', generation: 1 },
  spec: { replicas: 1, serviceName: 'recorded', selector: {}, template: {} },
  status: { replicas: 1, observedGeneration: 1, currentRevision: REVISION, updateRevision: REVISION },
};

/** Our reading of each snapshot of a stream, in order. */
export function replay(pods: readonly V1Pod[]): Readiness[] {
  return pods.map((p) => feReadiness(STATEFUL_SET, [asRestoringFe(p)], 1, p.spec!.containers[0].name));
}

/** The distinct reasons of a replay, consecutive repeats folded. */
export function reasonSequence(rs: readonly Readiness[]): string[] {
  return rs.map((r) => r.reason).filter((r, i, all) => i === 0 || all[i - 1] !== r);
}
