/**
 * SQL traffic and the simulator's virtual clock (sim/README.md, "Virtual time for the client under test too"): the
 * port-forward runs over a tracked KubeConfig (`sim.track`, sim/client-time.ts), so its WebSocket's bytes, and those
 * of the simulator's own hop to the pod's MySQL server, count until the other end read them: the clock does not move
 * while a statement is on its way, whatever the network's speed. The SQL client itself knows nothing of it. A slow
 * link (20 real ms per chunk, each way) sits between the client and the simulator: tracked, ten statements cost no
 * virtual time; over a plain KubeConfig (the same clock, nothing tracked), the clock runs on while they travel.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { slowLink } from '../support/slow-link';
import { KubeConfig } from '@kubernetes/client-node';
import { startSimulator } from '../../sim';
import { sqlSession } from '../../lib/sql/connection';
import { recover, recoverySpec, CLUSTER, NS } from '../e2e/support';

describe('virtual time: SQL statements through the port-forward hold the clock', () => {
  it('ten statements over a slow link cost no virtual time; without the accounting the clock runs on under them', async () => {
    const sim = await startSimulator({ virtualTime: true, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2 });
    const link = await slowLink(sim.port, 20);
    try {
      await recover(sim, recoverySpec());
      const kc = new KubeConfig();
      kc.loadFromString(sim.kubeConfigYaml().replace(sim.url, `http://127.0.0.1:${link.port}`));
      const elapsed = async (kubeConfig: KubeConfig) => {
        const db = sqlSession({ target: { kind: 'pod', kubeConfig, namespace: NS, pod: `${CLUSTER}-fe-0`, port: 9030 }, timers: sim.timers });
        try {
          const from = sim.time!.now();
          for (let i = 0; i < 10; i++) assert.deepEqual((await db.query('SELECT 1')).rows, [['1']]);
          return sim.time!.now() - from;
        } finally {
          await db.close();
        }
      };
      assert.equal(await elapsed(sim.track(kc)), 0, 'no virtual time passed while the statements were in flight');
      assert.ok((await elapsed(kc)) >= 1000, 'the clock moved while statements were in flight (a plain KubeConfig is not tracked)');
    } finally {
      await link.close();
      await sim.stop();
    }
  });
});
