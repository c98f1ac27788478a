/**
 * The `yaml` package, one copy per process: the one cdk8s bundles (cdk8s loads it anyway, to write manifests), else
 * our own dependency (a Pulumi-only install without cdk8s, or a cdk8s that stops bundling it). Two copies cost every
 * `synth` 72 more modules to load, about 13 ms of a 200 ms process (bench/README.md, cold synth).
 */
import { dirname } from 'node:path';

type Yaml = typeof import('yaml');

function load(): Yaml {
  try {
    const cdk8sHome = dirname(dirname(require.resolve('cdk8s')));
    const bundled = require(require.resolve('yaml', { paths: [cdk8sHome] })) as Yaml;
    // What this package uses of yaml 2 (every 2.x has it); anything else is our own copy's job.
    if ([bundled.parseDocument, bundled.stringify, bundled.LineCounter, bundled.visit, bundled.isMap].every((f) => typeof f === 'function')) return bundled;
  } catch {
    // no cdk8s installed beside us
  }
  return require('yaml') as Yaml;
}

const yaml = load();

export const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, stringify, visit } = yaml;
export type { Document, Node, Scalar } from 'yaml';
/** The class's instance type (the value above is the class). */
export type LineCounter = import('yaml').LineCounter;
