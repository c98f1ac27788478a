/**
 * The checks a recovery runs, over the MySQL protocol (lib/dr/verification.ts `RecoveryChecks`, implemented here so
 * that lib/dr does not depend on the SQL client): for each stage, a session with a Ready FE (through a port-forward,
 * or `--fe-address`), first an answer at all, then `verifyRestore` or `verifyRollout` until they pass or time is spent.
 *
 * An FE that cannot be asked is not a failed check but an error of its own, at once: a port-forward the Role refuses
 * (exit 2, naming the RBAC rule, or `--verify none`), a refused login (exit 2). An FE that does not answer is asked
 * again for up to `FIRST_ANSWER_MS` (it was Ready a moment ago), then exit 4. Nothing is retried forever; the password
 * is read from its Secret into the session and nowhere else.
 */
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import type { KubeClient } from '../kube/client';
import type { RecoveryChecks, StageOutcome } from '../dr/verification';
import type { StarRocksClusterSpec } from '../model/types';
import { componentPodSelector, componentResourceName } from '../render/names';
import type { SqlSession } from './connection';
import { nodeExpectations, snapshotExpectations } from './expectations';
import { feSession, type ReachFlags } from './reach';
import * as S from './statements';
import { verifyRestore, verifyRollout, type NodeExpectations, type UserCheck } from './verify';

/** How long an FE that was Ready a moment ago may take to answer at all. */
export const FIRST_ANSWER_MS = 60_000;

export interface RecoveryCheckOptions extends ReachFlags {
  /** The user's own checks (`--verify-sql` / `--expect`, parsed and refused before anything runs: `userChecks`). */
  readonly userChecks?: readonly UserCheck[];
  /** Drop compute nodes / backends left from the old cluster. @default false */
  readonly dropStaleNodes?: boolean;
  /** Between passes. @default 2000 */
  readonly pollMs?: number;
  /** cluster_snapshot.yaml as read from the cluster, when the values only mount it (what the restore should show). */
  readonly snapshotText?: string;
}

/** CN or BE expectations from the live StatefulSet and its pods; undefined when the StatefulSet is not applied. */
export async function liveNodes(client: KubeClient, cluster: string, namespace: string, kind: 'cn' | 'be'): Promise<NodeExpectations | undefined> {
  const sts = (await client.get('StatefulSet', namespace, componentResourceName(cluster, kind))) as V1StatefulSet | undefined;
  if (!sts) return undefined;
  const pods = (await client.list('Pod', namespace, componentPodSelector(cluster, kind))).items as V1Pod[];
  return nodeExpectations(sts.spec?.replicas ?? 1, pods);
}

/**
 * The first answer of the FE (`SELECT 1`), asked again while the FE cannot be reached, for up to `budgetMs`. Throws
 * what the SQL client says at once when asking again cannot help (a port-forward refused by RBAC, a refused login).
 */
async function firstAnswer(session: SqlSession, client: KubeClient, budgetMs: number, signal?: AbortSignal): Promise<void> {
  const { timers } = client;
  const deadline = timers.now() + budgetMs;
  for (;;) {
    try {
      await session.query(S.SELECT_ONE, { idempotent: true });
      return;
    } catch (err) {
      const e = err instanceof StarRocksDrError ? err : undefined;
      if (!e || e.code === 'InvalidInput' || e.code === 'Interrupted' || timers.now() >= deadline || signal?.aborted) throw withVerifyNoneHint(err);
      await timers.sleep(Math.min(2000, Math.max(0, deadline - timers.now())), signal);
    }
  }
}

/** The SQL client's error with the way out for clusters where the FE cannot be reached from here. */
function withVerifyNoneHint(err: unknown): unknown {
  if (!(err instanceof StarRocksDrError) || err.code === 'InvalidInput' || err.fix.includes('--verify none')) return err;
  return new StarRocksDrError(err.code, err.problem, {
    field: err.field,
    fix: `${err.fix}; or reach the FE with --fe-address host:port, or skip the check with --verify none (Pulumi: verify none)`,
    cause: err,
  });
}

/** The checks of a recovery of `spec` in `namespace`, through `client`. */
export function recoveryChecks(client: KubeClient, spec: StarRocksClusterSpec, namespace: string, opts: RecoveryCheckOptions = {}): RecoveryChecks {
  return {
    async run(stage, { timeoutMs, signal, onProgress }): Promise<StageOutcome> {
      const { timers } = client;
      const started = timers.now();
      const session = await feSession(client, spec, namespace, opts);
      try {
        await firstAnswer(session, client, Math.min(timeoutMs, FIRST_ANSWER_MS), signal);
        const left = Math.max(0, started + timeoutMs - timers.now());
        const wait = {
          timers,
          timeoutMs: left,
          pollMs: opts.pollMs ?? 2000,
          signal,
          onPass: (checks: readonly { check: string; passed: boolean }[], pass: number) =>
            onProgress?.(`${stage} checks, pass ${pass}: ${checks.filter((c) => c.passed).length} of ${checks.length} passed (waiting for ${checks.filter((c) => !c.passed).map((c) => c.check).join(', ')})`),
        };
        const expected = snapshotExpectations(spec, opts.snapshotText);
        if (stage === 'restore') return await verifyRestore(session, expected, wait);
        return await verifyRollout(
          session,
          {
            computeNodes: spec.starRocksCnSpec ? await liveNodes(client, spec.name, namespace, 'cn') : undefined,
            backends: spec.starRocksBeSpec ? await liveNodes(client, spec.name, namespace, 'be') : undefined,
            restoredSnapshot: expected.restoredSnapshot,
            dropStaleNodes: opts.dropStaleNodes,
            userChecks: opts.userChecks,
          },
          wait,
        );
      } finally {
        await session.close();
      }
    },
  };
}
