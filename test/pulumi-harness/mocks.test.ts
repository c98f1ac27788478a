import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as pulumi from '@pulumi/pulumi';
import {
  isSecret,
  resolveOutput,
  secret,
  serializeProvider,
  setupPulumiMocks,
  type PulumiMocks,
} from '../support/pulumi';
import { fileProvider } from './file-provider';

class Thing extends pulumi.CustomResource {
  declare readonly password: pulumi.Output<string>;
  declare readonly after: pulumi.Output<string | undefined>;
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
    super('test:index:Thing', name, props, opts);
  }
}

/** `pulumi.dynamic.Resource` is abstract in the 3.248 typings; a provider's resource class extends it. */
class FileResource extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>) {
    super(fileProvider, name, props);
  }
}

/** GIVEN a component with two children, `second` depending on `first`. */
class Pair extends pulumi.ComponentResource {
  readonly first: Thing;
  readonly second: Thing;
  constructor(name: string, password: pulumi.Output<string>, opts?: pulumi.ComponentResourceOptions) {
    super('starrocks:test:Pair', name, {}, opts);
    this.first = new Thing(`${name}-first`, { password }, { parent: this });
    this.second = new Thing(`${name}-second`, { after: this.first.id }, { parent: this, dependsOn: [this.first] });
    this.registerOutputs({ adminPassword: password });
  }
}

describe('Pulumi mocks harness', () => {
  let mocks: PulumiMocks;
  let pair: Pair;
  let generation: number | undefined;
  let adminPassword: pulumi.Output<string>;
  let dynamic: pulumi.dynamic.Resource;

  before(async () => {
    mocks = await setupPulumiMocks({
      project: 'srdr',
      config: { drGeneration: '1', 'srdr:adminPassword': 'hunter2' },
      secretConfigKeys: ['adminPassword'],
    });
    // WHEN the program runs
    const cfg = new pulumi.Config();
    generation = cfg.getNumber('drGeneration');
    adminPassword = cfg.requireSecret('adminPassword');
    pair = new Pair('fe', adminPassword);
    dynamic = new FileResource('file', { dir: '/tmp', name: 'x', content: 'y' });
    await resolveOutput(pair.second.urn);
    await resolveOutput(dynamic.urn);
    await mocks.settled();
  });

  it('reads stack config under the project namespace, secret config as a secret', async () => {
    assert.equal(generation, 1);
    assert.deepEqual(await resolveOutput(adminPassword), { value: 'hunter2', known: true, secret: true });
  });

  it('records the children under the component, and the dependsOn edge', () => {
    const component = mocks.get('fe', 'starrocks:test:Pair');
    const first = mocks.get('fe-first');
    const second = mocks.get('fe-second');
    assert.equal(component.custom, false);
    assert.equal(first.parent, component.urn);
    assert.equal(second.parent, component.urn);
    assert.match(second.urn, /::starrocks:test:Pair\$test:index:Thing::fe-second$/);
    assert.ok(second.dependencies.includes(first.urn), JSON.stringify(second.dependencies));
    assert.deepEqual(second.propertyDependencies.after, [first.urn]);
    assert.deepEqual(first.dependencies, []);
    assert.equal(second.inputs.after, 'fe-first-id');
  });

  it('sees a secret input, a secret resource output and a secret component output as secret', async () => {
    const first = mocks.get('fe-first');
    assert.deepEqual(first.inputs.password, secret('hunter2'));
    assert.deepEqual(await resolveOutput(pair.first.password), { value: 'hunter2', known: true, secret: true });
    const component = mocks.get('fe');
    assert.ok(component.outputs && isSecret(component.outputs.adminPassword));
    // An input that did not come from a secret is not marked.
    assert.equal((await resolveOutput(pair.second.after)).secret, false);
  });

  it('stores the same __provider text for a dynamic.Resource as serializeProvider produces', async () => {
    const rec = mocks.get('file', 'pulumi-nodejs:dynamic:Resource');
    assert.equal(rec.inputs.__provider, await serializeProvider(fileProvider));
  });
});
