/**
 * The default preStop command of the main container.
 * - operator v1.10 (`pkg/k8sutils/templates/pod/spec.go` GetPreStopScriptPath): `["<root>/<c>_prestop.sh"]`.
 * - operator v1.11 (`pkg/k8sutils/templates/pod/spec.go` GetPreStopCommand, `version_compare.go`):
 *   `["/bin/bash", "-c", "<root>/<c>/bin/stop_<c>.sh -g"]` (graceful); BE and CN drop `-g` only when the image tag
 *   is a release below the first one of its minor line that supports it (BE 3.3.19 / 3.4.8 / 3.5.6, CN 3.3.17 /
 *   3.4.6 / 3.5.2). A tag with `latest`, a tag that does not parse as x.y.z, or a minor line not in the list gets
 *   `-g`, as the operator does (it treats a comparison error as "not lower").
 * `<root>` is `STARROCKS_ROOT` from the component's env, else `/opt/starrocks`.
 */
import type { ComponentKind } from '../model/types';
import type { OperatorRules } from './operator-rules';

/** First releases of each minor line whose stop script understands `-g` (v1.11.5 spec.go lines 391 and 399). */
export const GRACEFUL_STOP_SINCE: Readonly<Record<Exclude<ComponentKind, 'fe'>, readonly string[]>> = {
  be: ['3.3.19', '3.4.8', '3.5.6'],
  cn: ['3.3.17', '3.4.6', '3.5.2'],
};

/** `GetImageVersion`: everything after the last `:` of the image (the whole image when it has none). */
export function imageVersion(image: string): string {
  return image.slice(image.lastIndexOf(':') + 1);
}

interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Go `strconv.Atoi` on a version part: optional sign, decimal digits, within int64. */
function atoi(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `parseVersion`: the part before the first `-`, split on `.` into exactly three integers. */
function parseVersion(text: string): Version | undefined {
  const parts = text.split('-')[0]!.split('.');
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(atoi);
  return major === undefined || minor === undefined || patch === undefined ? undefined : { major, minor, patch };
}

/**
 * `IsLowerThanAny`: true when `version` is in the same major.minor line as one of `targets` and has a lower patch.
 * `undefined` stands for the operator's error result (unparseable, or a line not in the list); `latest` is false.
 */
export function isLowerThanAny(version: string, targets: readonly string[]): boolean | undefined {
  if (version.includes('latest')) return false;
  const v = parseVersion(version);
  if (v === undefined) return undefined;
  for (const target of targets) {
    const t = parseVersion(target)!;
    if (v.major === t.major && v.minor === t.minor) return v.patch < t.patch;
  }
  return undefined;
}

/** True when the component's stop script is called with `-g` (graceful) under operator v1.11. */
export function gracefulStop(kind: ComponentKind, image: string): boolean {
  if (kind === 'fe') return true;
  return isLowerThanAny(imageVersion(image), GRACEFUL_STOP_SINCE[kind]) !== true;
}

/** The operator's default preStop `exec.command` for a component. */
export function preStopCommand(rules: OperatorRules, kind: ComponentKind, image: string, rootPath: string): string[] {
  if (rules.preStop === 'script') return [`${rootPath}/${kind}_prestop.sh`];
  const script = `${rootPath}/${kind}/bin/stop_${kind}.sh`;
  return ['/bin/bash', '-c', gracefulStop(kind, image) ? `${script} -g` : script];
}
