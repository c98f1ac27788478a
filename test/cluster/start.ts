/**
 * `npm run cluster`: start the test control plane (control-plane.ts) and keep it running until Ctrl-C, for a person
 * to point kubectl, `starrocks-dr dr run` or `pulumi` at it.
 *
 *   npm run cluster -- [--dir D] [--namespace starrocks] [--fe-restore 20s|manual] [--kubeconfig-out F]
 */
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startControlPlane } from './control-plane';
import { parseDuration } from '../../lib/cli/durations';

async function main(): Promise<void> {
  const program = new Command('cluster')
    .description('start a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok) on loopback')
    .option('--dir <dir>', 'working folder, kept on exit (default: a temp folder removed on exit)')
    .option('--namespace <ns>', 'namespace with the least-privilege Role bound to the user dr-user', 'starrocks')
    .option('--fe-restore <duration>', 'how long a restoring FE pod takes to become Ready, or "manual" (annotate the pod test.starrocks-dr.io/restore-finished=true)', '20s')
    .option('--kubeconfig-out <file>', 'also copy the admin kubeconfig here')
    .parse();
  const o = program.opts<{ dir?: string; namespace: string; feRestore: string; kubeconfigOut?: string }>();
  const feRestoreMs = o.feRestore === 'manual' ? 'manual' : parseDuration(o.feRestore);
  const started = Date.now();
  const cp = await startControlPlane({ dir: o.dir ? path.resolve(o.dir) : undefined, keep: !!o.dir, feRestoreMs, log: (l) => console.error(`cluster: ${l}`) });
  const user = await cp.leastPrivilegeUser(o.namespace);
  if (o.kubeconfigOut) fs.copyFileSync(cp.adminKubeconfig, o.kubeconfigOut);
  console.log(`Kubernetes ${cp.kubernetesVersion} at ${cp.server} (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`admin kubeconfig:            ${cp.adminKubeconfig}${o.kubeconfigOut ? ` (copied to ${o.kubeconfigOut})` : ''}`);
  console.log(`least-privilege kubeconfig:  ${user} (examples/rbac/role.yaml in namespace ${o.namespace})`);
  console.log(`logs:                        ${cp.dir}/*.log`);
  console.log(`a restoring FE becomes Ready ${feRestoreMs === 'manual' ? 'when annotated test.starrocks-dr.io/restore-finished=true' : `${o.feRestore} after it starts`}`);
  console.log('Ctrl-C stops everything.');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.error('cluster: stopping ...');
    void cp.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(`cluster: ${err.message}`);
  process.exit(1);
});
