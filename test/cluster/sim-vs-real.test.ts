/**
 * The simulator against the real thing: every probe of api-probes.ts runs on the real control plane (kube-apiserver
 * v1.36 and its controllers) and on our simulator, and each place where what a client sees differs is listed. A
 * difference must be known (sim-differences.ts, with why it stays) or the test fails; a known difference that went
 * away fails too, so the table in sim/README.md stays true. `SIM_VS_REAL_REPORT=<file>` writes the table.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { startSimulator, type Simulator } from '../../sim';
import { referenceDrSpec } from '../fixtures';
import { apiFor, PROBES, type ProbeContext } from './api-probes';
import { startControlPlane, type ControlPlane } from './control-plane';
import { KNOWN_DIFFERENCES } from './sim-differences';

interface Difference {
  readonly probe: string;
  readonly path: string;
  readonly sim: string;
  readonly real: string;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, 160));

function diff(probe: string, sim: unknown, real: unknown, path = ''): Difference[] {
  if (JSON.stringify(sim) === JSON.stringify(real)) return [];
  const bothObjects = sim && real && typeof sim === 'object' && typeof real === 'object' && Array.isArray(sim) === Array.isArray(real);
  if (!bothObjects || (Array.isArray(sim) && (sim as unknown[]).length !== (real as unknown[]).length)) {
    return [{ probe, path: path || '.', sim: show(sim), real: show(real) }];
  }
  const keys = new Set([...Object.keys(sim as object), ...Object.keys(real as object)]);
  return [...keys].sort().flatMap((k) => diff(probe, (sim as Record<string, unknown>)[k], (real as Record<string, unknown>)[k], `${path}.${k}`));
}

let cp: ControlPlane;
let sim: Simulator;
const NS = 'probes';

before(async () => {
  cp = await startControlPlane({ feRestoreMs: 'manual' });
  sim = await startSimulator({ timeScale: 0.05, feRestoreSeconds: 1, feStartupSeconds: 1, backendStartupSeconds: 1 });
});
after(async () => {
  await cp?.stop();
  await sim?.stop();
});

function context(kc: KubeConfig, finishRestore: (pod: string) => Promise<void>): ProbeContext {
  return { api: apiFor(kc), namespace: NS, spec: referenceDrSpec(), finishRestore };
}

describe('the simulator against a real kube-apiserver v1.36 with its controllers', () => {
  it('differs only where sim-differences.ts says, and says why', async () => {
    const realApi = apiFor(cp.admin);
    await realApi.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const simApi = apiFor(sim.kubeConfig());
    await simApi.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const real = context(cp.admin, (pod) => cp.finishRestore(NS, pod));
    const simulated = context(sim.kubeConfig(), async () => undefined);

    const found: Difference[] = [];
    const raw: Record<string, { sim: unknown; real: unknown }> = {};
    for (const [name, probe] of Object.entries(PROBES)) {
      const [s, r] = [await probe(simulated), await probe(real)];
      raw[name] = { sim: s, real: r };
      found.push(...diff(name, s, r));
    }
    if (process.env.SIM_VS_REAL_RAW) writeFileSync(process.env.SIM_VS_REAL_RAW, JSON.stringify(raw, null, 1));
    const key = (d: { probe: string; path: string }) => `${d.probe} | ${d.path}`;
    const known = new Map(KNOWN_DIFFERENCES.map((d) => [key(d), d]));
    if (process.env.SIM_VS_REAL_REPORT) {
      writeFileSync(process.env.SIM_VS_REAL_REPORT, ['| probe | path | simulator | real | why |', '| --- | --- | --- | --- | --- |',
        ...found.map((d) => `| ${d.probe} | \`${d.path}\` | \`${d.sim}\` | \`${d.real}\` | ${known.get(key(d))?.why ?? '**new**'} |`)].join('\n') + '\n');
    }
    const unknown = found.filter((d) => !known.has(key(d))).map((d) => `${key(d)}: simulator ${d.sim}, real ${d.real}`);
    const gone = KNOWN_DIFFERENCES.filter((d) => !found.some((f) => key(f) === key(d))).map(key);
    assert.deepEqual(unknown, [], 'differences the simulator does not explain (fix the simulator, or add them with a reason)');
    assert.deepEqual(gone, [], 'known differences that went away (remove them from sim-differences.ts and sim/README.md)');
  });
});
