/**
 * ConfigMaps and Secrets the chart writes: the component config (`feconfigmap.yaml`, `cnconfigmap.yaml`,
 * `beconfigmap.yaml`) and the user's extra objects (`configmaps.yaml`, `secrets.yaml`).
 */
import type { ComponentKind, ExtraObject, StarRocksClusterSpec } from '../model/types';
import { componentContext, type ComponentContext } from './component-context';
import { compareGoStrings } from './go-compat';
import type { RenderedConfigMap, RenderedMetadata, RenderedSecret } from './kube-object';
import { configFileName, configMapName } from './names';
import { nonEmptyMap } from './plain';

/**
 * What a YAML literal block (`key: |`, clip chomping) holds after the chart indents the text into it:
 * the text with its trailing line breaks folded into exactly one.
 */
export function literalBlock(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--; // /\n+$/ as a loop: the regex rescans every line break
  return end === 0 ? '' : end === text.length - 1 ? text : `${text.slice(0, end)}\n`;
}

export function configConfigMapFromContext(ctx: ComponentContext): RenderedConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(ctx.cluster, ctx.kind),
      namespace: ctx.namespace,
      labels: { cluster: ctx.cluster, app: ctx.kind },
    },
    data: { [configFileName(ctx.kind)]: literalBlock(ctx.configText) },
  };
}

/** `<c>-fe-cm` with key `fe.conf` (and the same for CN / BE), or undefined when there is no such component. */
export function buildConfigConfigMap(spec: StarRocksClusterSpec, kind: ComponentKind, namespace: string): RenderedConfigMap | undefined {
  const ctx = componentContext(spec, kind, namespace);
  return ctx && configConfigMapFromContext(ctx);
}

/** Keys in Go template `range` order (sorted), empty values dropped as the chart's `if $value` does. */
function sortedData(data: Readonly<Record<string, string>>, encode: (v: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(data).sort(compareGoStrings)) {
    const value = data[key];
    if (value) out[key] = encode(value);
  }
  return out;
}

function extraMetadata(obj: ExtraObject, namespace: string): RenderedMetadata {
  const labels = nonEmptyMap(obj.labels);
  const annotations = nonEmptyMap(obj.annotations);
  return { name: obj.name, namespace, ...(labels && { labels }), ...(annotations && { annotations }) };
}

export function buildUserConfigMaps(spec: StarRocksClusterSpec, namespace: string): RenderedConfigMap[] {
  return (spec.configMaps ?? []).map((cm): RenderedConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: extraMetadata(cm, namespace),
    data: sortedData(cm.data, literalBlock),
  }));
}

export function buildUserSecrets(spec: StarRocksClusterSpec, namespace: string): RenderedSecret[] {
  return (spec.secrets ?? []).map((s): RenderedSecret => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: extraMetadata(s, namespace),
    type: 'Opaque',
    data: sortedData(s.data, (v) => Buffer.from(v, 'utf8').toString('base64')),
  }));
}
