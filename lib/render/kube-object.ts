/** A Kubernetes object as plain data: what the renderer returns and what cdk8s / Pulumi / kubectl apply. */
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
