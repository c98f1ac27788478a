export { startSimulator } from './simulator';
export type { Simulator, SimulatorOptions } from './simulator';
export type { FailNextOptions } from './faults';
export type { PodFault } from './pods/pod-runtime';
export { SIM_CONTEXT, kubeConfigYaml } from './kubeconfig';
export { SERVER_VERSION } from './http/discovery';
