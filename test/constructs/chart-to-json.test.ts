/**
 * `StarRocksClusterChart.toJson` runs cdk8s's dependency and validation passes over its own constructs, not the whole
 * App. The oracle is cdk8s itself: the same App built twice, one chart asked our way, the other through
 * `Chart.prototype.toJson` (cdk8s's `App._synthChart`), on random dependency graphs inside and across charts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { StarRocksClusterChart } from '../../lib/constructs';
import { referenceDrSpec, referenceSpec } from '../fixtures';

/** A small seeded generator (mulberry32), so a failing case can be rebuilt from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function configMap(scope: Construct, id: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id.toLowerCase() }, data: { id } });
}

interface Built {
  readonly app: App;
  readonly ours: StarRocksClusterChart[];
}

/**
 * An App with `charts` of our charts and a plain chart, user constructs holding objects inside our charts, and
 * `edges` random dependencies between any two of them (inside a chart and across charts). Same seed, same App.
 */
function build(seed: number, charts = 2, edges = 12): Built {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const app = Testing.app();
  const plain = new Chart(app, 'plain');
  const nodes: IConstruct[] = [plain, configMap(plain, 'P1'), configMap(plain, 'P2')];
  const ours: StarRocksClusterChart[] = [];
  for (let i = 0; i < charts; i++) {
    const dr = next() < 0.5;
    const chart = new StarRocksClusterChart(app, `sr${i}`, { spec: dr ? referenceDrSpec() : referenceSpec(), namespace: `ns${i}`, form: dr && next() < 0.5 ? 'restore' : 'full' });
    const extra = new Construct(chart, 'Extra');
    nodes.push(chart, chart.cluster, ...chart.cluster.objects, extra, configMap(extra, `A${i}`), configMap(extra, `B${i}`), configMap(chart, `C${i}`));
    ours.push(chart);
  }
  // A dependency cycle is a user error cdk8s reports. A construct's dependency becomes one from each object under it
  // to each object under the other, so an edge is kept only where every object under the source was created after
  // every object under the target: the objects stay acyclic, and so do the charts (created one after another).
  const rank = new Map<IConstruct, number>(app.node.findAll().filter((c) => c instanceof ApiObject).map((c, i) => [c, i]));
  const ranks = (c: IConstruct) => c.node.findAll().filter((x) => rank.has(x)).map((x) => rank.get(x)!);
  for (let added = 0, tries = 0; added < edges && tries < edges * 50; tries++) {
    const source = pick(nodes);
    const target = pick(nodes);
    const s = ranks(source);
    const t = ranks(target);
    if (s.length === 0 || t.length === 0 || Math.min(...s) <= Math.max(...t)) continue;
    source.node.addDependency(target);
    added++;
  }
  return { app, ours };
}

const cdk8sWay = (chart: Chart): unknown[] => Chart.prototype.toJson.call(chart);

describe('StarRocksClusterChart.toJson against cdk8s’s own Chart.toJson', () => {
  it('the reference cluster alone: the same objects in the same order', () => {
    for (const form of ['full', 'restore'] as const) {
      const a = new StarRocksClusterChart(Testing.app(), 'starrocks', { spec: referenceDrSpec(), form });
      const b = new StarRocksClusterChart(Testing.app(), 'starrocks', { spec: referenceDrSpec(), form });
      assert.deepStrictEqual(a.toJson(), cdk8sWay(b), form);
    }
  });

  it('200 random Apps: dependencies inside a chart, across charts, on charts and on user constructs give the same output', () => {
    let orderedByADependency = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const a = build(seed);
      const b = build(seed);
      a.ours.forEach((chart, i) => {
        const ours = chart.toJson();
        assert.deepStrictEqual(ours, cdk8sWay(b.ours[i]!), `seed ${seed}, chart ${chart.node.id}`);
      });
      // The whole App, as `cdk8s synth` writes it (App-wide passes once, then each chart); every tenth App (yaml is slow).
      if (seed % 10 === 0) assert.equal(a.app.synthYaml(), b.app.synthYaml(), `seed ${seed}`);
      if (a.ours.some((c) => c.node.findAll().some((x) => x.node.dependencies.length > 0))) orderedByADependency++;
    }
    assert.ok(orderedByADependency > 150, `most Apps have dependencies to order by (${orderedByADependency})`);
  });

  it('a chart inside the chart goes cdk8s’s way', () => {
    const make = () => {
      const chart = new StarRocksClusterChart(Testing.app(), 'sr', { spec: referenceSpec() });
      const inner = new Chart(chart, 'inner');
      chart.cluster.feStatefulSet.addDependency(configMap(inner, 'Inner'));
      chart.cluster.cnStatefulSet!.addDependency(chart.cluster.configMap('fe')!);
      return chart;
    };
    assert.deepStrictEqual(make().toJson(), cdk8sWay(make()));
  });

  it('a failing validation inside the chart: the same error as cdk8s', () => {
    const make = () => {
      const chart = new StarRocksClusterChart(Testing.app(), 'sr', { spec: referenceSpec() });
      chart.cluster.node.addValidation({ validate: () => ['replicas must be odd'] });
      chart.cluster.feStatefulSet.node.addValidation({ validate: () => ['second'] });
      return chart;
    };
    const expected = (() => {
      try {
        cdk8sWay(make());
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    })();
    assert.match(expected ?? '', /^Validation failed with the following errors:\n {2}\[sr\/Cluster\] replicas must be odd\n/);
    assert.throws(() => make().toJson(), (e: Error) => e.message === expected);
  });

  it('app.synth() writes the same files either way, dependencies between charts included', () => {
    const written = (ourWay: boolean): Record<string, string> => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-chart-'));
      try {
        const { app, ours } = build(7, 3, 30);
        if (!ourWay) ours.forEach((c) => Object.defineProperty(c, 'toJson', { value: () => cdk8sWay(c) }));
        Object.assign(app, { outdir });
        app.synth();
        return Object.fromEntries(fs.readdirSync(outdir).sort().map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    };
    const ours = written(true);
    assert.ok(Object.keys(ours).length >= 4, Object.keys(ours).join(', '));
    assert.deepStrictEqual(ours, written(false));
  });
});
