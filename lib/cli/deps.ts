/** What the commands need from outside the process: users get the defaults; tests inject the simulator's (sim/README.md). */
import type { Connect } from '../kube/client';

export interface CliDeps {
  /** How to reach the cluster. @default KubeClient.connect */
  readonly connect?: Connect;
}
