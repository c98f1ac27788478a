/**
 * A kubeconfig pointing at the simulator (context `starrocks-sim`, no credentials: the simulator has no auth; a
 * `token` only names the client, for faults aimed at one client).
 * client-node 1.x refuses plain http unless `insecure-skip-tls-verify` is set.
 */
import { stringify } from 'yaml';

export const SIM_CONTEXT = 'starrocks-sim';

export function kubeConfigYaml(url: string, namespace = 'default', token?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: SIM_CONTEXT, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: SIM_CONTEXT, user: token ? { token } : {} }],
    contexts: [{ name: SIM_CONTEXT, context: { cluster: SIM_CONTEXT, user: SIM_CONTEXT, namespace } }],
    'current-context': SIM_CONTEXT,
    preferences: {},
  });
}
