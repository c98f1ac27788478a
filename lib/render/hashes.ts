/**
 * The hashes the operator and the chart write into objects, computed the same way (see go-compat.ts).
 * - `mountVolumeName`: `pkg/k8sutils/templates/pod/mount.go` getVolumeName (flag `--volume-name-with-hash`, default true).
 * - `serviceResourceHash`: `pkg/common/resource_utils/service.go` serviceHashObject + `pkg/common/hash/hash.go`.
 * - `configHash`: the chart's `starrockscluster.<component>.config.hash` helper (`_helpers.tpl`).
 */
import { memoByText } from '../model/memo';
import { fnv32a, goJsonString, sha256Hex, spewStringMap, spewStringSlice } from './go-compat';

/** Volume name of a mounted ConfigMap or Secret: `<name>-<first 4 digits of the FNV hash of the mount info>`. */
export function mountVolumeName(ref: { readonly name: string; readonly mountPath: string; readonly subPath?: string }): string {
  const text = `(v1.MountInfo){Name:(string)${ref.name} MountPath:(string)${ref.mountPath} SubPath:(string)${ref.subPath ?? ''}}`;
  return `${ref.name}-${String(fnv32a(text)).slice(0, 4)}`;
}

/** One Service port as the operator builds it (all ports it hashes target a number). */
export interface HashedServicePort {
  readonly name: string;
  readonly protocol?: string;
  readonly appProtocol?: string;
  readonly port: number;
  readonly targetPort: number;
  readonly nodePort?: number;
}

/** What the operator hashes of an external Service (its unexported `hashService` struct). */
export interface HashedService {
  readonly name: string;
  readonly namespace: string;
  readonly ports: readonly HashedServicePort[];
  readonly selector: Readonly<Record<string, string>>;
  readonly type: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Service's annotations before the hash itself is added. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly loadBalancerSourceRanges?: readonly string[];
}

function spewPort(p: HashedServicePort): string {
  const app = p.appProtocol === undefined ? '<nil>' : p.appProtocol;
  return (
    `{Name:(string)${p.name} Protocol:(v1.Protocol)${p.protocol ?? ''} AppProtocol:(*string)${app} Port:(int32)${p.port} ` +
    `TargetPort:(intstr.IntOrString){Type:(intstr.Type)0 IntVal:(int32)${p.targetPort} StrVal:(string)} NodePort:(int32)${p.nodePort ?? 0}}`
  );
}

/** Value of the `app.starrocks.components/hash` annotation of an external Service. */
export function serviceResourceHash(svc: HashedService): string {
  const ports = svc.ports.length === 0 ? '<nil>' : '[' + svc.ports.map(spewPort).join(' ') + ']';
  const text =
    `(resource_utils.hashService){name:(string)${svc.name} namespace:(string)${svc.namespace} ` +
    `finalizers:([]string)<nil> ports:([]v1.ServicePort)${ports} selector:(map[string]string)${spewStringMap(svc.selector)} ` +
    `serviceType:(v1.ServiceType)${svc.type} labels:(map[string]string)${spewStringMap(svc.labels)} ` +
    `annotations:(map[string]string)${spewStringMap(svc.annotations)} ` +
    `loadBalancerSourceRanges:([]string)${spewStringSlice(svc.loadBalancerSourceRanges)}}`;
  return String(fnv32a(text));
}

/** The chart's config hash: first 8 hex digits of sha256(toJson(config)), or `no-config` when there is none. */
export function configHash(config: string | undefined): string {
  if (config === undefined || config === '') return 'no-config';
  return configTextHash(config);
}

const configTextHash = memoByText((config: string) => sha256Hex(goJsonString(config)).slice(0, 8));
