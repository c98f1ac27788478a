/**
 * What a recovery watches while it waits, as streams of views: the live watches of a cluster (`liveClusterWatch`),
 * or, in tests, recorded event streams played back (test/dr/replay.ts). The executor reads only these: it never
 * asks the API between two views, so its waits run the same on a recording as on a cluster.
 */
import type { CoreV1Event, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client';
import { watchViews, type ViewStream } from '../kube/wait';
import { componentPodSelector, componentResourceName } from '../render/names';

/** What the cluster shows of the FE at one moment. */
export interface FeView {
  readonly feStatefulSet?: V1StatefulSet;
  readonly fePods: readonly V1Pod[];
  /** Warning events of the namespace (readiness.ts picks out the FE's: they say why a pod does not start). */
  readonly events: readonly CoreV1Event[];
}

/** The streams a recovery waits on. Each call opens a new stream; the caller closes it (`return()`). */
export interface ClusterWatch {
  /**
   * The FE StatefulSet, its pods and the warning events, once listed and after every change. (Not the PVCs: the
   * Role grants them `list` only, examples/rbac/role.yaml; the executor lists them when it needs their uids.)
   */
  fe(): ViewStream<FeView>;
  /** The namespace's StatefulSets, once listed and after every change. */
  statefulSets(): ViewStream<readonly V1StatefulSet[]>;
}

/** The events that say why a pod does not start: Warnings (the FE pods and StatefulSet are picked out in readiness.ts). */
const WARNINGS = 'type=Warning';

/** A stream of `V` from a stream of another view. */
function mapStream<A, B>(source: ViewStream<A>, f: (a: A) => B): ViewStream<B> {
  return {
    lastError: () => source.lastError?.() ?? '',
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]();
      return {
        next: async (): Promise<IteratorResult<B>> => {
          const r = await it.next();
          return r.done ? { done: true, value: undefined } : { done: false, value: f(r.value) };
        },
        return: async (): Promise<IteratorResult<B>> => {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** The live watches of `cluster` in `namespace`. */
export function liveClusterWatch(client: KubeClient, cluster: string, namespace: string): ClusterWatch {
  const feName = componentResourceName(cluster, 'fe');
  return {
    fe: () =>
      mapStream(
        watchViews(client, [
          { kind: 'StatefulSet', namespace, fieldSelector: `metadata.name=${feName}` },
          { kind: 'Pod', namespace, labelSelector: componentPodSelector(cluster, 'fe') },
          { kind: 'Event', namespace, fieldSelector: WARNINGS },
        ]),
        (v): FeView => ({
          feStatefulSet: v.objects(0)[0] as unknown as V1StatefulSet | undefined,
          fePods: v.objects(1) as unknown as V1Pod[],
          events: v.objects(2) as unknown as CoreV1Event[],
        }),
      ),
    statefulSets: () => mapStream(watchViews(client, [{ kind: 'StatefulSet', namespace }]), (v) => v.objects(0) as unknown as V1StatefulSet[]),
  };
}
