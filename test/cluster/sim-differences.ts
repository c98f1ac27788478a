/**
 * Where the simulator differs from the real kube-apiserver v1.36 and its controllers, and why it stays so (measured
 * by sim-vs-real.test.ts; the same table is in sim/README.md). Differences that come from the test control plane
 * rather than from Kubernetes (kwok stands in for the kubelet; a WaitForFirstConsumer StorageClass stands in for a
 * cloud's) are listed too: they are what a real cluster does, and the simulator keeps the plain kubelet's behaviour.
 */
export interface KnownDifference {
  readonly probe: string;
  readonly path: string;
  readonly why: string;
}

const RESTORE = 'the restore form of the FE: StatefulSet, claims and pod as the server and its controllers make them';
const STORAGE_CLASS = 'the test control plane has a default StorageClass (WaitForFirstConsumer, as kind has); the simulator has none and binds at once';
const SELECTED_NODE = 'with WaitForFirstConsumer the scheduler annotates the claim with the selected node; the simulator binds without it';

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  { probe: RESTORE, path: '.claims.0.managers', why: SELECTED_NODE },
  { probe: RESTORE, path: '.claims.0.spec.storageClassName', why: STORAGE_CLASS },
  { probe: RESTORE, path: '.claims.1.managers', why: SELECTED_NODE },
  { probe: RESTORE, path: '.claims.1.spec.storageClassName', why: STORAGE_CLASS },
  { probe: RESTORE, path: '.pod.conditions', why: 'kwok (the real side here) does not write PodReadyToStartContainers; a kubelet since 1.29 does, and so does the simulator' },
  { probe: RESTORE, path: '.pod.managers.2', why: 'the real side\'s pod status is written by kwok, not by a kubelet: the simulator writes it as `kubelet`' },
];
