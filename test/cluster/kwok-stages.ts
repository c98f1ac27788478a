/**
 * The kwok Stages of the test control plane: what happens to a Node and to a Pod once the scheduler placed it, in
 * place of a kubelet. Written for this project after kwok's own default stages (sigs.k8s.io/kwok v0.8.0,
 * kustomize/stage/pod/general/pod-{create,ready,delete}.yaml and stage/node/fast/node-initialize.yaml), with two
 * changes for disaster recovery:
 *
 * - A pod whose container carries `RESTORE_CLUSTER_SNAPSHOT` (the FE in restore form) starts running but is not Ready:
 *   a restoring FE is up long before it serves queries. It becomes Ready `feRestoreMs` after it started, or, with
 *   `feRestoreMs: 'manual'`, only once a test sets the annotation `RESTORE_FINISHED_ANNOTATION` to "true" on it.
 * - Short delays (100-300 ms): the suites measure our tool, not kwok's default 1-6 s jitter.
 *
 * kwok's selector keys are jq expressions over the object (pkg/utils/expression); `[]?` makes a missing env list
 * match nothing instead of failing.
 */
export const RESTORE_FINISHED_ANNOTATION = 'test.starrocks-dr.io/restore-finished';

export interface StageOptions {
  /** How long a restoring FE takes to become Ready, or 'manual' to wait for the annotation. */
  readonly feRestoreMs: number | 'manual';
}

const RESTORING = `.spec.containers.[].env.[]? | select( .name == "RESTORE_CLUSTER_SNAPSHOT" ) | .value`;

const readyStatus = (ready: boolean) => `
      {{ $now := Now }}
      conditions:
      - {type: Initialized, status: "True", lastProbeTime: null, lastTransitionTime: {{ $now | Quote }}}
      - {type: Ready, status: "${ready ? 'True' : 'False'}", reason: ${ready ? '""' : 'ContainersNotReady'}, message: "", lastProbeTime: null, lastTransitionTime: {{ $now | Quote }}}
      - {type: ContainersReady, status: "${ready ? 'True' : 'False'}", reason: ${ready ? '""' : 'ContainersNotReady'}, message: "", lastProbeTime: null, lastTransitionTime: {{ $now | Quote }}}
      - {type: PodScheduled, status: "True", lastProbeTime: null, lastTransitionTime: {{ $now | Quote }}}
      containerStatuses:
      {{ range .spec.containers }}
      - {image: {{ .image | Quote }}, imageID: "", name: {{ .name | Quote }}, ready: ${ready}, restartCount: 0, started: true, state: {running: {startedAt: {{ $now | Quote }}}}}
      {{ end }}
      phase: Running
      startTime: {{ $now | Quote }}`;

export function kwokStages(opts: StageOptions): string {
  const restoreFinished =
    opts.feRestoreMs === 'manual'
      ? `    - {key: '.metadata.annotations["${RESTORE_FINISHED_ANNOTATION}"]', operator: In, values: ['true']}`
      : '';
  const restoreDelay = opts.feRestoreMs === 'manual' ? 0 : opts.feRestoreMs;
  return `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: node-initialize}
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: NotIn, values: ['True']}
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - {type: Ready, status: "True", reason: KubeletReady, message: kwok, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
      addresses:
      - {type: InternalIP, address: {{ NodeIP | Quote }}}
      - {type: Hostname, address: {{ .metadata.name | Quote }}}
      allocatable: {cpu: "256", memory: 1Ti, pods: "250", ephemeral-storage: 1Ti}
      capacity: {cpu: "256", memory: 1Ti, pods: "250", ephemeral-storage: 1Ti}
      nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: kwok, kubeProxyVersion: kwok, containerRuntimeVersion: kwok, bootID: "", kernelVersion: "", machineID: "", osImage: "", systemUUID: ""}
      phase: Running
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-create}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.spec.nodeName', operator: Exists}
    - {key: '.status.podIP', operator: DoesNotExist}
  delay: {durationMilliseconds: 100}
  next:
    event: {type: Normal, reason: Created, message: Created container}
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - {type: Initialized, status: "True", lastProbeTime: null, lastTransitionTime: {{ $now | Quote }}}
      - {type: Ready, status: "False", reason: ContainersNotReady, lastProbeTime: null, lastTransitionTime: {{ $now | Quote }}}
      - {type: ContainersReady, status: "False", reason: ContainersNotReady, lastProbeTime: null, lastTransitionTime: {{ $now | Quote }}}
      - {type: PodScheduled, status: "True", lastProbeTime: null, lastTransitionTime: {{ $now | Quote }}}
      containerStatuses:
      {{ range .spec.containers }}
      - {image: {{ .image | Quote }}, imageID: "", name: {{ .name | Quote }}, ready: false, restartCount: 0, started: false, state: {waiting: {reason: ContainerCreating}}}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Pending
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-ready}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.status.phase', operator: In, values: [Pending]}
    - {key: '.status.podIP', operator: Exists}
    - {key: '${RESTORING}', operator: DoesNotExist}
  delay: {durationMilliseconds: 200}
  next:
    statusTemplate: |${readyStatus(true)}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: fe-restore-start}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.status.phase', operator: In, values: [Pending]}
    - {key: '.status.podIP', operator: Exists}
    - {key: '${RESTORING}', operator: Exists}
  delay: {durationMilliseconds: 200}
  next:
    statusTemplate: |${readyStatus(false)}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: fe-restore-finish}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.status.phase', operator: In, values: [Running]}
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: In, values: ['False']}
    - {key: '${RESTORING}', operator: Exists}
${restoreFinished}
  delay: {durationMilliseconds: ${restoreDelay}}
  next:
    event: {type: Normal, reason: RestoreFinished, message: the FE finished restoring the cluster snapshot (kwok stage)}
    statusTemplate: |${readyStatus(true)}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-delete}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: Exists}
    - {key: '.metadata.finalizers', operator: DoesNotExist}
  delay: {durationMilliseconds: 100}
  next: {delete: true}
`.replace(/\n\n/g, '\n');
}
