/**
 * `StarRocksCluster`: the cluster as cdk8s objects. A thin layer over `renderCluster` (one path for the CLI, Pulumi
 * and cdk8s): one core `ApiObject` per rendered object, because an `ApiObject` renders exactly what it is given
 * (cdk8s-plus's StatefulSet would add defaults the operator does not set and cannot carry volumeClaimTemplates).
 *
 * Escape hatch: every object is reachable (`objects`, `statefulSet('fe')`, `feStatefulSet`, ...) and can be changed
 * with `addJsonPatch` before synth, as with any cdk8s ApiObject.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { validateForRoute } from '../dr/preflight';
import type { ComponentKind, DrPhaseForm, OperatorVersion, StarRocksClusterSpec } from '../model/types';
import { renderCluster, DEFAULT_NAMESPACE } from '../render/cluster';
import { restoreForm } from '../render/restore';
import type { KubeObject } from '../render/kube-object';
import { componentResourceName, configMapName, searchServiceName, serviceName } from '../render/names';

export interface StarRocksClusterProps {
  /** The cluster, as the model describes it (validate it with lib/model first). */
  readonly spec: StarRocksClusterSpec;
  /**
   * Namespace of every object.
   * @default - `spec.namespace`, else the enclosing chart's namespace, else 'default'
   */
  readonly namespace?: string;
  /**
   * Which form to render: the full topology, or the disaster-recovery restore topology (one FE replica with the
   * restore env and a TCP readiness probe, no CN/BE) for `generation`.
   * @default 'full'
   */
  readonly form?: DrPhaseForm;
  /**
   * Recovery generation of the restore form.
   * @default - `spec.disasterRecovery.generation`
   */
  readonly generation?: number;
  /**
   * The StarRocks operator line whose output to render (`'1.10'` or `'1.11'`), e.g. to move from an operator-managed
   * v1.10 cluster without restarting every pod (lib/render/README.md lists what differs).
   * @default - `spec.operatorVersion`, else the newest ('1.11')
   */
  readonly operatorVersion?: OperatorVersion;
}

export class StarRocksCluster extends Construct {
  /** The namespace the objects were rendered into. */
  public readonly namespace: string;
  /** The plain objects, as `renderCluster` returned them (do not mutate; patch the ApiObjects instead). */
  public readonly rendered: readonly KubeObject[];
  /** One ApiObject per rendered object, in render order. */
  public readonly objects: readonly ApiObject[];
  private readonly byKey = new Map<string, ApiObject>();
  private readonly clusterName: string;

  constructor(scope: Construct, id: string, props: StarRocksClusterProps) {
    super(scope, id);
    // The same checks as every other route (synth, dr run, Pulumi): a construct never renders what would not apply.
    // A construct has no one to tell warnings to: the size check (a warning) is left out.
    const checked = validateForRoute(props.spec, { form: props.form ?? 'full', generation: props.generation, generationField: 'generation (StarRocksCluster prop)', namespace: props.namespace, namespaceField: 'namespace (StarRocksCluster prop)', sizeWarnings: false });
    this.clusterName = props.spec.name;
    this.namespace = props.namespace ?? props.spec.namespace ?? chartNamespace(this) ?? DEFAULT_NAMESPACE;
    const spec = props.operatorVersion === undefined ? props.spec : { ...props.spec, operatorVersion: props.operatorVersion };
    // The checks rendered this spec already (for the object sizes); render once unless the objects would differ.
    const same = props.operatorVersion === undefined && props.generation === undefined && checked.rendered.namespace === this.namespace;
    const full = same ? checked.rendered.objects : renderCluster(spec, { namespace: this.namespace });
    // The restore form's generation is the one the checks parsed (lib/dr/generation.ts), from the prop or the spec.
    this.rendered = props.form === 'restore' ? restoreForm(full, spec, checked.preflight!.generation) : full;
    this.objects = this.rendered.map((obj) => {
      const key = objectKey(obj.kind, obj.metadata.name);
      const apiObject = new ApiObject(this, key, obj); // ApiObject copies on toJson(); it never mutates its props
      this.byKey.set(key, apiObject);
      return apiObject;
    });
  }

  /** The rendered object of this kind and name, if any. */
  public find(kind: string, name: string): ApiObject | undefined {
    return this.byKey.get(objectKey(kind, name));
  }

  /** A component's StatefulSet (`<c>-fe`), or undefined when the cluster has no such component. */
  public statefulSet(kind: ComponentKind): ApiObject | undefined {
    return this.find('StatefulSet', componentResourceName(this.clusterName, kind));
  }

  /** A component's external Service (`<c>-fe-service`). */
  public service(kind: ComponentKind): ApiObject | undefined {
    return this.find('Service', serviceName(this.clusterName, kind));
  }

  /** A component's headless Service (`<c>-fe-search`). */
  public searchService(kind: ComponentKind): ApiObject | undefined {
    return this.find('Service', searchServiceName(this.clusterName, kind));
  }

  /** A component's config ConfigMap (`<c>-fe-cm`). */
  public configMap(kind: ComponentKind): ApiObject | undefined {
    return this.find('ConfigMap', configMapName(this.clusterName, kind));
  }

  /** The FE StatefulSet (every cluster has one). */
  public get feStatefulSet(): ApiObject {
    return this.statefulSet('fe')!;
  }

  /** The FE external Service, the cluster's MySQL endpoint. */
  public get feService(): ApiObject {
    return this.service('fe')!;
  }

  /** The CN StatefulSet, when the cluster has CN. */
  public get cnStatefulSet(): ApiObject | undefined {
    return this.statefulSet('cn');
  }

  /** The BE StatefulSet, when the cluster has BE. */
  public get beStatefulSet(): ApiObject | undefined {
    return this.statefulSet('be');
  }
}

function objectKey(kind: string, name: string): string {
  return `${kind}-${name}`;
}

function chartNamespace(scope: Construct): string | undefined {
  try {
    return Chart.of(scope).namespace;
  } catch {
    return undefined; // not inside a chart (e.g. a bare App); the default applies
  }
}
