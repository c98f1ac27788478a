/**
 * Checks of the typed spec's operator v1.11 fields (`podManagementPolicy`, `minReadySeconds`,
 * `persistentVolumeClaimRetentionPolicy`, `waitForFullRollout`) and of `operatorVersion`, including "this setting
 * needs a newer operator line than the one targeted". Called by `checkSpec` (validate.ts); the values loader refuses
 * the same settings earlier with the chart's key names (`values/to-spec.ts`).
 */
import { describeValue } from './checks';
import { OPERATOR_RELEASE, OPERATOR_VERSIONS, specOperatorVersion } from './operator-version';
import type { FailFn } from './validate';

type Loose = Record<string, unknown>;
const COMPONENTS = [['starRocksFeSpec', 'fe'], ['starRocksCnSpec', 'cn'], ['starRocksBeSpec', 'be']] as const;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkOperatorFields(spec: unknown, fail: FailFn): void {
  if (!isObject(spec)) return;
  const version = spec.operatorVersion;
  if (version !== undefined && !(OPERATOR_VERSIONS as readonly unknown[]).includes(version)) {
    fail(['operatorVersion'], `operator version ${describeValue(version)} is not one starrocks-dr renders`, `set operatorVersion to one of ${OPERATOR_VERSIONS.map((v) => `'${v}'`).join(', ')}, or leave it out for the newest`);
  }
  if (spec.waitForFullRollout !== undefined && typeof spec.waitForFullRollout !== 'boolean') {
    fail(['waitForFullRollout'], `expected true or false, got ${describeValue(spec.waitForFullRollout)}`, 'set waitForFullRollout to true or false');
  }
  const old = specOperatorVersion(spec as { operatorVersion?: '1.10' | '1.11' }) === '1.10';
  const tooNew = (path: (string | number)[], what: string): never =>
    fail(path, `${what} needs operator v1.11 or later; operator ${OPERATOR_RELEASE['1.10']} does not render it`, `remove it, or set operatorVersion to '1.11'`);
  if (old && spec.waitForFullRollout === true) tooNew(['waitForFullRollout'], 'waitForFullRollout');
  for (const [key] of COMPONENTS) {
    const c = spec[key];
    if (!isObject(c)) continue;
    const pmp = c.podManagementPolicy;
    if (pmp !== undefined && pmp !== 'OrderedReady' && pmp !== 'Parallel') {
      fail([key, 'podManagementPolicy'], `${describeValue(pmp)} is not a pod management policy`, 'set podManagementPolicy to OrderedReady or Parallel');
    }
    if (old && pmp === 'OrderedReady') tooNew([key, 'podManagementPolicy'], 'podManagementPolicy OrderedReady');
    const mrs = c.minReadySeconds;
    if (mrs !== undefined && !(typeof mrs === 'number' && Number.isInteger(mrs) && mrs >= 0 && mrs <= 2147483647)) {
      fail([key, 'minReadySeconds'], `minReadySeconds must be a whole number of seconds (0 or more), got ${describeValue(mrs)}`, 'set minReadySeconds to 0 or more');
    }
    if (old && typeof mrs === 'number' && mrs > 0) tooNew([key, 'minReadySeconds'], 'minReadySeconds');
    const policy = c.persistentVolumeClaimRetentionPolicy;
    if (policy === undefined) continue;
    if (!isObject(policy)) fail([key, 'persistentVolumeClaimRetentionPolicy'], `expected a map, got ${describeValue(policy)}`, 'write it as {whenDeleted: Retain|Delete, whenScaled: Retain|Delete}');
    for (const [k, v] of Object.entries(policy as Loose)) {
      if (k !== 'whenDeleted' && k !== 'whenScaled') fail([key, 'persistentVolumeClaimRetentionPolicy', k], `unknown key \`${k}\``, 'keep only whenDeleted and whenScaled');
      if (v !== 'Retain' && v !== 'Delete') fail([key, 'persistentVolumeClaimRetentionPolicy', k], `${describeValue(v)} is not a retention`, `set ${k} to Retain or Delete`);
    }
    if (old) tooNew([key, 'persistentVolumeClaimRetentionPolicy'], 'persistentVolumeClaimRetentionPolicy');
  }
}
