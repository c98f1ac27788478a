/**
 * Which StarRocks operator release (and its kube-starrocks chart) the output follows. Each minor line renders
 * differently (preStop command, Service ports, StatefulSet fields, CRD defaults, chart defaults); within a line the
 * rendered objects are the same, so the model keeps the line and accepts any release of it (`1.10.2`, `v1.11.5`).
 * `lib/render/operator-rules.ts` holds what each line renders differently; the README table is made from it.
 */
import { StarRocksDrError } from '../errors';

/** Operator lines starrocks-dr renders, oldest first. */
export const OPERATOR_VERSIONS = ['1.10', '1.11'] as const;
export type OperatorVersion = (typeof OPERATOR_VERSIONS)[number];

/** The newest line: the default everywhere. */
export const DEFAULT_OPERATOR_VERSION: OperatorVersion = '1.11';

/** The release whose source each line was read from (chart defaults and parity tests). */
export const OPERATOR_RELEASE: Readonly<Record<OperatorVersion, string>> = { '1.10': '1.10.2', '1.11': '1.11.5' };

/** `1.11`, `1.11.5`, `v1.10.2` -> the line; anything else is undefined. */
export function operatorVersionOf(text: string): OperatorVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!m) return undefined;
  const line = `${Number(m[1])}.${Number(m[2])}`;
  return (OPERATOR_VERSIONS as readonly string[]).includes(line) ? (line as OperatorVersion) : undefined;
}

/** Like `operatorVersionOf`, but an unknown version is an input error naming `field` (a flag, prop or config key). */
export function parseOperatorVersion(text: string, field = '--operator-version'): OperatorVersion {
  const version = operatorVersionOf(text);
  if (version === undefined) {
    throw new StarRocksDrError('InvalidInput', `operator version \`${text}\` is not one starrocks-dr renders`, {
      field,
      fix: `give one of ${OPERATOR_VERSIONS.map((v) => `${v} (e.g. ${OPERATOR_RELEASE[v]})`).join(', ')}; leave it out for the newest`,
    });
  }
  return version;
}

/** The operator line of a spec (the newest when the spec does not say). */
export function specOperatorVersion(spec: { readonly operatorVersion?: OperatorVersion }): OperatorVersion {
  return spec.operatorVersion ?? DEFAULT_OPERATOR_VERSION;
}
