/**
 * What verifying a restore from the database costs, on the simulator (virtual time): the time from the restoring FE
 * being Ready to the restore checks passing (`verifyRestore`, polling every 2 s), with the restore's effects arriving
 * 30 s, 5 s (the simulator's default) and 0 s after the query port opens (the restore form's readiness probe, TCP every
 * 10 s after 5 s, sees the port up to 10 s after it opens); the Kubernetes requests it adds (finding the FE
 * pod, the port-forward) and the SQL statements per pass; and the same for `verifyRollout` after the full topology.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { KubeClient } from '../lib/kube/client';
import { planRecovery } from '../lib/dr/plan';
import { runRecovery } from '../lib/dr/executor';
import { startSimulator, type Simulator } from '../sim';
import type { SqlSession } from '../lib/sql/connection';
import { nodeExpectations, snapshotExpectations } from '../lib/sql/expectations';
import { feSession } from '../lib/sql/reach';
import { userChecks, verifyRestore, verifyRollout } from '../lib/sql/verify';
import { recoveryChecks } from '../lib/sql/recovery-checks';
import { referenceDrSpec } from '../test/fixtures';
import { info, type Row } from './row';

const NS = 'default';
const spec = () => ({ ...referenceDrSpec(), disasterRecovery: { enabled: true, generation: 1 } });
const ready = (p: V1Pod | undefined) => (p?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

function counting(s: SqlSession): { session: SqlSession; statements: () => number } {
  let n = 0;
  return {
    session: { target: s.target, query: (sql, o) => (n++, s.query(sql, o)), close: () => s.close() },
    statements: () => n,
  };
}

const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

async function readyToVerified(finishSeconds: number): Promise<{ ms: number; passes: number; k8s: Record<string, number>; statements: number }> {
  const sim: Simulator = await startSimulator({ virtualTime: true, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2, starrocks: { restoreFinishSeconds: finishSeconds, image: { volumeLocation: 's3://old-bucket/data' } } });
  try {
    const client = KubeClient.connect({ kubeConfig: sim.kubeConfig(), timers: sim.timers });
    for (const o of planRecovery(spec()).plan.restoreObjects) await client.apply(o, 'bench');
    while (!ready(sim.get('Pod', NS, 'kube-starrocks-fe-0'))) await sim.timers!.sleep(100);
    const readyAt = sim.timers!.now();
    sim.resetRequestCounts();
    const c = counting(await feSession(client, spec(), NS, {}));
    const v = await verifyRestore(c.session, snapshotExpectations(spec()), { timers: sim.timers!, timeoutMs: 5 * 60_000, pollMs: 2000 });
    const k8s = sim.requestCounts();
    await c.session.close();
    if (!v.passed) throw new Error('the restore checks did not pass');
    return { ms: v.finishedAt - readyAt, passes: v.passes, k8s, statements: c.statements() };
  } finally {
    await sim.stop();
  }
}

async function rollout(): Promise<{ k8s: Record<string, number>; statements: number }> {
  const sim = await startSimulator({ virtualTime: true, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2 });
  try {
    const client = KubeClient.connect({ kubeConfig: sim.kubeConfig(), timers: sim.timers });
    await runRecovery(planRecovery(spec()).plan, { client, timeoutMs: 10 * 60_000 });
    sim.resetRequestCounts();
    const c = counting(await feSession(client, spec(), NS, {}));
    const cn = (await client.list('Pod', NS, 'app.kubernetes.io/component=cn')).items as V1Pod[];
    const v = await verifyRollout(c.session, { computeNodes: nodeExpectations(1, cn), restoredSnapshot: snapshotExpectations(spec()).restoredSnapshot, userChecks: userChecks(['SELECT COUNT(*) FROM quickstart.source_wiki_edit'], ['3']) }, { timers: sim.timers! });
    await c.session.close();
    if (!v.passed) throw new Error('the rollout checks did not pass');
    return { k8s: sim.requestCounts(), statements: c.statements() };
  } finally {
    await sim.stop();
  }
}

/**
 * A whole recovery (`runRecovery`, as `dr run` runs it) with the checks as its step, or without them (`--verify
 * none`): from the `done` record (the FE of the generation Ready) to the restore verified, and the Kubernetes requests
 * of the whole run, on the simulator's clock.
 */
async function wholeRecovery(finishSeconds: number, verify: boolean): Promise<{ doneToVerifiedMs?: number; totalMs: number; requests: number }> {
  const sim: Simulator = await startSimulator({ virtualTime: true, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2, starrocks: { restoreFinishSeconds: finishSeconds, image: { volumeLocation: 's3://old-bucket/data' } } });
  try {
    const client = KubeClient.connect({ kubeConfig: sim.kubeConfig(), timers: sim.timers });
    const started = sim.timers!.now();
    let doneAt: number | undefined;
    let verifiedAt: number | undefined;
    await runRecovery(planRecovery(spec()).plan, {
      client,
      timeoutMs: 10 * 60_000,
      ...(verify ? { checks: recoveryChecks(client, spec(), NS) } : {}),
      onProgress: (e) => {
        if (e.type === 'status' && e.status.phase === 'done') doneAt ??= sim.timers!.now();
        if (e.type === 'notice' && /the restore is verified/.test(e.message)) verifiedAt ??= sim.timers!.now();
      },
    });
    return { ...(verify && doneAt !== undefined && verifiedAt !== undefined ? { doneToVerifiedMs: verifiedAt - doneAt } : {}), totalMs: sim.timers!.now() - started, requests: sum(sim.requestCounts()) };
  } finally {
    await sim.stop();
  }
}

export async function benchVerification(opts: { log: (l: string) => void }): Promise<Row[]> {
  const rows: Row[] = [];
  for (const finish of [30, 0]) {
    const withChecks = await wholeRecovery(finish, true);
    const without = await wholeRecovery(finish, false);
    opts.log(`  dr run, effects ${finish}s after the port opens: done -> restore verified ${withChecks.doneToVerifiedMs} ms; whole run ${withChecks.totalMs} ms (${without.totalMs} ms with --verify none); ${withChecks.requests} requests (${without.requests} with --verify none)`);
    rows.push(info(`verify: dr run, done (FE Ready) -> restore verified (sim, effects ${finish}s after the query port opens)`, withChecks.doneToVerifiedMs! / 1000, 's simulated'));
    rows.push(info(`verify: dr run, whole recovery with checks (effects after ${finish}s)`, withChecks.totalMs / 1000, 's simulated'));
    rows.push(info(`verify: dr run, whole recovery with --verify none (effects after ${finish}s)`, without.totalMs / 1000, 's simulated'));
    rows.push(info(`verify: dr run, Kubernetes requests added by the checks (effects after ${finish}s)`, withChecks.requests - without.requests, 'requests'));
  }
  for (const finish of [30, 5, 0]) {
    const r = await readyToVerified(finish);
    opts.log(`  restore finishing ${finish}s after the port opens: verified ${r.ms} ms after Ready in ${r.passes} passes; requests ${JSON.stringify(r.k8s)}; ${r.statements} statements`);
    rows.push(info(`verify: FE Ready -> restore verified (sim, effects ${finish}s after the query port opens, poll 2 s)`, r.ms / 1000, 's simulated'));
    rows.push(info(`verify: Kubernetes requests of verifyRestore (effects after ${finish}s)`, sum(r.k8s), 'requests'));
    rows.push(info(`verify: SQL statements of verifyRestore (${r.passes} passes, effects after ${finish}s)`, r.statements, 'statements'));
  }
  const r = await rollout();
  opts.log(`  full topology: requests ${JSON.stringify(r.k8s)}; ${r.statements} statements`);
  rows.push(info('verify: Kubernetes requests of verifyRollout (pod list + port-forward)', sum(r.k8s), 'requests'));
  rows.push(info('verify: SQL statements of verifyRollout (CN, restored job, 1 user check)', r.statements, 'statements'));
  return rows;
}
