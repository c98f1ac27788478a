/**
 * One validation on every route: each bad input is refused by `synth` with every --dr-phase, `synth --target
 * operator`, `dr run`, `dr wait` (exit 2, one line naming the file and key, nothing written, the cluster never asked:
 * the kubeconfig points at a closed port, which would be exit 4) and by the construct (typed spec). The CLI routes run
 * in-process through `main()` here; test/cli/synth-cli.test.ts runs the process itself.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiObject, App, Chart } from 'cdk8s';
import { main } from '../../lib/cli/main';
import { StarRocksCluster } from '../../lib/constructs';
import { StarRocksDrError } from '../../lib/errors';
import type { StarRocksClusterSpec } from '../../lib/model';
import { REFERENCE_DR_VALUES_FILES, referenceDrSpec, referenceSpec } from '../fixtures';

const dir = mkdtempSync(join(tmpdir(), 'srdr-routes-'));
/** A kubeconfig whose server refuses connections: a route that asked the cluster would end with exit 4. */
const UNREACHABLE = join(dir, 'kubeconfig');
writeFileSync(
  UNREACHABLE,
  'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n',
);

/** A secret-looking value planted next to each mistake: no error may quote it. */
const SECRET = 'S3cr3tV4lue';
const FE_CONF = (extra: string) => `    config: |\n      run_mode = shared_data\n      aws_s3_secret_key = ${SECRET}\n${extra.split('\n').map((l) => `      ${l}`).join('\n')}\n`;

interface Case {
  readonly name: string;
  /** A values file added after the reference values and the DR override. */
  readonly values?: string;
  /** Extra flags. */
  readonly flags?: readonly string[];
  /** Matches the one error line. */
  readonly error: RegExp;
}

const big = (bytes: number) => 'x'.repeat(bytes);

const CASES: readonly Case[] = [
  { name: 'a port that is not a number', values: `starrocks:\n  starrocksFESpec:\n${FE_CONF('query_port = 9O30')}`, error: /case\.yaml: starrocks\.starrocksFESpec\.config: line 3: fe\.conf sets query_port to something that is not a port number\. Fix: .*default 9030/ },
  { name: 'a port out of range', values: `starrocks:\n  starrocksFESpec:\n${FE_CONF('query_port = 70000')}`, error: /starrocksFESpec\.config: .*query_port to 70000, outside the port range 1-65535\. Fix: set query_port between 1 and 65535/ },
  { name: 'two ports equal in one component', values: 'starrocks:\n  starrocksCnSpec:\n    config: |\n      brpc_port = 9050\n', error: /starrocksCnSpec\.config: .*heartbeat_service_port and brpc_port are both 9050/ },
  { name: 'a cluster name whose StatefulSet leaves no room for controller-revision-hash', values: `starrocks:\n  starrocksCluster:\n    name: ${'a'.repeat(50)}\n`, error: /starrocksCluster\.name: .*controller-revision-hash.*at most 49 characters/ },
  { name: 'a label value with a space', values: 'starrocks:\n  starrocksFESpec:\n    podLabels:\n      team: "data platform"\n', error: /starrocksFESpec\.podLabels\.team: .*label value/ },
  { name: 'a label value over 63 characters', values: `starrocks:\n  starrocksCnSpec:\n    podLabels:\n      team: ${'a'.repeat(64)}\n`, error: /starrocksCnSpec\.podLabels\.team: .*at most 63/ },
  { name: 'a label key with two slashes', values: 'starrocks:\n  starrocksFESpec:\n    podLabels:\n      "a/b/c": x\n', error: /podLabels\.a\/b\/c: .*not a valid label key/ },
  { name: 'an env name set twice', values: `starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      - {name: A, value: ${SECRET}}\n      - {name: A, value: ${SECRET}}\n`, error: /starrocksFESpec\.feEnvVars: .*A is set twice.*server-side apply/ },
  { name: 'a user env RESTORE_CLUSTER_GENERATION', values: 'starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      - {name: RESTORE_CLUSTER_GENERATION, value: "1"}\n', error: /feEnvVars: .*RESTORE_CLUSTER_GENERATION is reserved/ },
  { name: 'a mounted ConfigMap name too long for its pod volume', values: `starrocks:\n  starrocksCnSpec:\n    configMaps:\n      - {name: ${'c'.repeat(60)}, mountPath: /etc/extra}\n`, error: /starrocksCnSpec\.configMaps\[0\]\.name: line 4: .*at most 58 characters/ },
  { name: 'ConfigMap data over 1 MiB', values: `starrocks:\n  configMaps:\n    - name: big\n      data:\n        blob: ${big(1024 * 1024 + 10)}\n`, error: /starrocks\.configMaps\[1\]\.data: .*1 MiB|starrocks\.configMaps\[0\]\.data: .*1 MiB/ },
  { name: 'annotations over 256 KiB', values: `starrocks:\n  starrocksFESpec:\n    annotations:\n      note: ${big(256 * 1024)}\n`, error: /starrocksFESpec\.annotations: .*256 KiB/ },
  { name: 'a namespace flag that is not a DNS-1123 label', flags: ['-n', 'Not_A_Namespace'], error: /-n\/--namespace: is not a namespace name/ },
  { name: 'a namespace in the values that is not a DNS-1123 label', values: 'starrocks:\n  starrocksCluster:\n    namespace: Bad_NS\n', error: /starrocksCluster\.namespace: / },
  { name: 'run_mode not shared_data (restore checks on every route)', values: 'starrocks:\n  starrocksFESpec:\n    config: |\n      run_mode = shared_nothing\n', error: /starrocksFESpec\.config: .*run_mode = shared_data/ },
  { name: 'an FE image older than 3.4.1', values: 'starrocks:\n  starrocksFESpec:\n    image: {repository: starrocks/fe-ubuntu, tag: 3.3.9}\n', error: /starrocksFESpec\.image: .*older than StarRocks 3\.4\.1/ },
  { name: 'no cluster_snapshot.yaml mount', values: 'starrocks:\n  starrocksFESpec:\n    configMaps: []\n', error: /starrocksFESpec\.configMaps: .*cluster_snapshot\.yaml is not mounted/ },
  {
    name: 'an inline snapshot file with a wrong path (checked whole, the path not quoted)',
    values: `starrocks:\n  configMaps:\n    - name: cluster-snapshot\n      data:\n        cluster_snapshot.yaml: |\n          cluster_snapshot:\n            cluster_snapshot_path: http://${SECRET}/x\n            storage_volume_name: v\n          storage_volumes:\n            - {name: v, type: S3, location: s3://b/d}\n`,
    error: /cluster_snapshot_path: must be an s3:\/\/ path/,
  },
  { name: 'a YAML alias bomb', values: ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n') + '\n', error: /case\.yaml: \(YAML aliases\): .*alias/ },
  { name: '.nan in a values file', values: 'starrocks:\n  starrocksFESpec:\n    replicas: .nan\n', error: /case\.yaml: starrocks\.starrocksFESpec\.replicas: line 3: .*Helm/ },
  { name: 'a fractional --generation', flags: ['--generation', '1.5'], error: /--generation/ },
  { name: 'a --generation with a leading zero', flags: ['--generation', '01'], error: /--generation.*leading zero/ },
  { name: 'a values file that never ends (/dev/zero is capped at 4 MiB)', flags: ['-f', '/dev/zero'], error: /\/dev\/zero: values file: is larger than 4 MiB/ },
];

const ROUTES: ReadonlyArray<{ readonly name: string; readonly args: (out: string) => string[]; readonly writes: boolean }> = [
  { name: 'synth --dr-phase full', args: (out) => ['synth', '--dr-phase', 'full', '-o', out], writes: true },
  { name: 'synth --dr-phase restore', args: (out) => ['synth', '--dr-phase', 'restore', '-o', out], writes: true },
  { name: 'synth --dr-phase auto', args: (out) => ['synth', '--dr-phase', 'auto', '--kubeconfig', UNREACHABLE, '-o', out], writes: true },
  { name: 'synth --target operator', args: (out) => ['synth', '--target', 'operator', '-o', out], writes: true },
  { name: 'dr run', args: () => ['dr', 'run', '--kubeconfig', UNREACHABLE, '--timeout', '5s'], writes: false },
  { name: 'dr wait', args: () => ['dr', 'wait', '--kubeconfig', UNREACHABLE, '--timeout', '5s'], writes: false },
];

/** Runs the CLI in this process, capturing what it prints. */
async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

let n = 0;
describe('every route refuses each invalid input with exit 2 and writes nothing', () => {
  for (const c of CASES) {
    const file = c.values === undefined ? undefined : join(mkdtempSync(join(dir, 'case-')), 'case.yaml');
    if (file !== undefined) writeFileSync(file, c.values!);
    for (const route of ROUTES) {
      it(`${route.name}: ${c.name}`, async () => {
        const out = join(dir, `out-${n++}`);
        const files = [...REFERENCE_DR_VALUES_FILES, ...(file ? [file] : [])].flatMap((f) => ['-f', f]);
        const r = await runCli([...route.args(out), ...files, ...(c.flags ?? [])]);
        assert.equal(r.code, 2, r.stderr);
        const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('notice: ') && !l.startsWith('(add --help'));
        assert.equal(lines.length, 1, r.stderr.slice(0, 2000));
        assert.match(lines[0]!, c.error);
        assert.doesNotMatch(r.stderr, new RegExp(SECRET), 'no error quotes a value that may be secret');
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.equal(r.stdout, '', 'nothing printed as a result');
        if (route.writes) assert.ok(!existsSync(out) || readdirSync(out).length === 0, 'no output written');
      });
    }
  }
});

/** The typed-spec route: the same mistakes refused by the construct before anything is rendered. */
describe('the construct refuses the same mistakes', () => {
  const fe = (s: StarRocksClusterSpec, patch: Partial<StarRocksClusterSpec['starRocksFeSpec']>): StarRocksClusterSpec => ({ ...s, starRocksFeSpec: { ...s.starRocksFeSpec, ...patch } });
  const typed: ReadonlyArray<[string, (s: StarRocksClusterSpec) => StarRocksClusterSpec, RegExp, { form?: 'full' | 'restore'; namespace?: string; generation?: number }?]> = [
    ['a port that is not a number', (s) => fe(s, { config: 'run_mode = shared_data\nquery_port = 9O30\n' }), /^starRocksFeSpec\.config: fe\.conf sets query_port/],
    ['two ports equal', (s) => fe(s, { config: 'run_mode = shared_data\nhttp_port = 9030\n' }), /http_port and query_port are both 9030/],
    ['a cluster name too long', (s) => ({ ...s, name: 'a'.repeat(50) }), /^name: .*controller-revision-hash/],
    ['a label value with a space', (s) => fe(s, { podLabels: { team: 'data platform' } }), /podLabels\.team/],
    ['a duplicate env name', (s) => fe(s, { envVars: [{ name: 'A', value: SECRET }, { name: 'A', value: SECRET }] }), /envVars\[1\]\.name: A is set twice/],
    ['a RESTORE_CLUSTER_ env', (s) => fe(s, { envVars: [{ name: 'RESTORE_CLUSTER_SNAPSHOT', value: 'true' }] }), /RESTORE_CLUSTER_SNAPSHOT is reserved/],
    ['a namespace prop that is not a label', (s) => s, /namespace \(StarRocksCluster prop\)/, { namespace: 'Bad_NS' }],
    ['Secret data over 1 MiB', (s) => ({ ...s, secrets: [{ name: 'big', data: { k: big(1024 * 1024 + 1) } }] }), /^secrets\[0\]\.data: .*1 MiB/],
    ['the restore form without shared_data', (s) => fe(s, { config: 'run_mode = shared_nothing\n' }), /run_mode = shared_data/, { form: 'restore' }],
    ['the restore form without a generation', (s) => ({ ...s, disasterRecovery: undefined }), /disasterRecovery\.enabled: .*not enabled/, { form: 'restore' }],
    ['a fractional generation prop', (s) => s, /generation \(StarRocksCluster prop\)/, { form: 'restore', generation: 1.5 }],
  ];
  for (const [name, make, error, props] of typed) {
    it(name, () => {
      const spec = make(referenceDrSpec());
      const chart = new Chart(new App({ outdir: join(dir, `construct-${n++}`) }), 'c');
      assert.throws(
        () => new StarRocksCluster(chart, 'sr', { spec, ...props }),
        (e: unknown) => e instanceof StarRocksDrError && e.code === 'InvalidInput' && error.test(e.message) && !e.message.includes(SECRET),
      );
      assert.equal(chart.node.findAll().filter((c) => c instanceof ApiObject).length, 0, 'nothing rendered into the chart');
    });
  }
});

/** The Pulumi component: the same limits before any resource is registered (recovery checks: its DR resource's check). */
describe('the Pulumi component refuses the same mistakes', () => {
  const cases: ReadonlyArray<[string, (s: StarRocksClusterSpec) => StarRocksClusterSpec, RegExp, string?]> = [
    ['a port out of range', (s) => ({ ...s, starRocksFeSpec: { ...s.starRocksFeSpec, config: 'run_mode = shared_data\nquery_port = 70000\n' } }), /query_port to 70000/],
    ['a duplicate env name', (s) => ({ ...s, starRocksFeSpec: { ...s.starRocksFeSpec, envVars: [{ name: 'A', value: SECRET }, { name: 'A', value: SECRET }] } }), /A is set twice/],
    ['a cluster name too long', (s) => ({ ...s, name: 'a'.repeat(50) }), /controller-revision-hash/],
    ['a namespace that is not a label', (s) => s, /^namespace: is not a namespace name/, 'Bad_NS'],
  ];
  for (const [name, make, error, namespace] of cases) {
    it(name, async () => {
      const { setupPulumiMocks } = await import('../support/pulumi');
      const { StarRocksClusterStack } = await import('../../lib/pulumi/star-rocks-cluster-stack');
      const mocks = await setupPulumiMocks({ project: 'starrocks-dr', config: {} });
      assert.throws(
        () => new StarRocksClusterStack('sr', { spec: make(referenceSpec()), namespace }),
        (e: unknown) => e instanceof StarRocksDrError && e.code === 'InvalidInput' && error.test(e.message) && !e.message.includes(SECRET),
      );
      await mocks.settled();
      assert.equal(mocks.ofType('kubernetes:apps/v1:StatefulSet').length, 0, 'no resource registered');
    });
  }
});
