/**
 * What the renderer returns, typed with the Kubernetes API's own models (`@kubernetes/client-node`'s V1* types, a
 * runtime dependency already, imported as types only): every object literal in lib/render is checked against them,
 * so a misspelt or unknown field (`imagePulPolicy`) fails to compile (test/render/typed-output.test.ts).
 *
 * `KubeObject` is the loose shape the routes downstream take (cdk8s, Pulumi, kubectl apply, GitOps annotations):
 * every `RenderedObject` is one.
 */
import type { V1ObjectMeta, V1ServiceSpec, V1StatefulSetSpec } from '@kubernetes/client-node';

/** A Kubernetes object as plain data: what cdk8s / Pulumi / kubectl apply. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

/** Metadata of a rendered object: it always has a name and a namespace. */
export type RenderedMetadata = V1ObjectMeta & { name: string; namespace: string };

export type RenderedConfigMap = { apiVersion: 'v1'; kind: 'ConfigMap'; metadata: RenderedMetadata; data: Record<string, string> };
export type RenderedSecret = { apiVersion: 'v1'; kind: 'Secret'; metadata: RenderedMetadata; type: 'Opaque'; data: Record<string, string> };
export type RenderedService = { apiVersion: 'v1'; kind: 'Service'; metadata: RenderedMetadata; spec: V1ServiceSpec };
export type RenderedStatefulSet = { apiVersion: 'apps/v1'; kind: 'StatefulSet'; metadata: RenderedMetadata; spec: V1StatefulSetSpec };

/** One object `renderCluster` returns. */
export type RenderedObject = RenderedConfigMap | RenderedSecret | RenderedService | RenderedStatefulSet;
