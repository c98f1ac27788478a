/**
 * What each operator line renders differently, in one place (read from the operator's source at v1.10.2 and
 * v1.11.5; the parity tests cite file and line). The renderer asks these rules, never the version string, and
 * lib/render/README.md's "operator versions" table lists the same rows.
 */
import { specOperatorVersion, type OperatorVersion } from '../model/operator-version';
import type { StarRocksClusterSpec } from '../model/types';

export interface OperatorRules {
  readonly version: OperatorVersion;
  /**
   * preStop: `script` runs `<root>/<c>_prestop.sh` (v1.10 `GetPreStopScriptPath`); `graceful` runs
   * `/bin/bash -c "<root>/<c>/bin/stop_<c>.sh[ -g]"` with the per-version `-g` rules (v1.11 `GetPreStopCommand`).
   */
  readonly preStop: 'script' | 'graceful';
  /** v1.11: `podManagementPolicy` from the spec (default Parallel); v1.10: always Parallel. */
  readonly podManagementPolicyFromSpec: boolean;
  /** v1.11: `minReadySeconds` (when > 0) and `persistentVolumeClaimRetentionPolicy` on the StatefulSet. */
  readonly statefulSetPolicies: boolean;
  /** v1.11: `arrow_flight_port` adds an `arrow-flight` port to the FE external Service and to the CN/BE search Service. */
  readonly arrowFlightPorts: boolean;
  /** v1.11: the CRD defaults `replicas` to 1, so an unset CN count becomes 1; v1.10 leaves it out. */
  readonly cnReplicasDefault: number | undefined;
  /** v1.10 names the CN pod template `<c>-cn`; v1.11 gives it no name (FE/BE keep theirs in both). */
  readonly cnTemplateName: boolean;
}

const RULES: Readonly<Record<OperatorVersion, OperatorRules>> = {
  '1.10': {
    version: '1.10',
    preStop: 'script',
    podManagementPolicyFromSpec: false,
    statefulSetPolicies: false,
    arrowFlightPorts: false,
    cnReplicasDefault: undefined,
    cnTemplateName: true,
  },
  '1.11': {
    version: '1.11',
    preStop: 'graceful',
    podManagementPolicyFromSpec: true,
    statefulSetPolicies: true,
    arrowFlightPorts: true,
    cnReplicasDefault: 1,
    cnTemplateName: false,
  },
};

export function operatorRules(version: OperatorVersion): OperatorRules {
  return RULES[version];
}

/** The rules for the operator line the spec targets (the newest by default). */
export function rulesFor(spec: StarRocksClusterSpec): OperatorRules {
  return RULES[specOperatorVersion(spec)];
}
