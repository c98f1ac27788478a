/**
 * A minimal GitOps engine for the tests: it does what Argo CD / Flux do with a committed tree, and no more.
 * - apply: server-side apply of every object of the tree (kustomization.yaml order), one field manager, force;
 * - prune: delete the objects of the previous sync that are gone from the tree, unless the LIVE object carries the
 *   engine's no-prune annotation (both engines read it from the live object).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KObject, KnownKind, KubeClient } from '../../lib/kube/client';
import { ARGOCD_SYNC_OPTIONS, FLUX_PRUNE, objectKey } from '../../lib/gitops';

export interface SyncResult {
  readonly applied: string[];
  readonly pruned: string[];
  readonly keptFromPrune: string[];
}

export class FakeGitOpsEngine {
  private inventory: KObject[] = [];

  constructor(
    private readonly client: KubeClient,
    readonly fieldManager: 'argocd-controller' | 'kustomize-controller',
    private readonly prune = true,
  ) {}

  /** The objects of a tree folder, in the order its kustomization.yaml lists them. */
  static readTree(dir: string): KObject[] {
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    return kustomization.resources.map((f) => parse(readFileSync(join(dir, f), 'utf8')) as KObject);
  }

  async sync(dir: string): Promise<SyncResult> {
    const objects = FakeGitOpsEngine.readTree(dir);
    const applied: string[] = [];
    for (const obj of objects) {
      await this.client.apply(obj, this.fieldManager, true);
      applied.push(objectKey(obj as never));
    }
    const pruned: string[] = [];
    const keptFromPrune: string[] = [];
    if (this.prune) {
      const now = new Set(applied);
      for (const gone of this.inventory.filter((o) => !now.has(objectKey(o as never)))) {
        const kind = gone.kind as KnownKind;
        const live = await this.client.get(kind, gone.metadata!.namespace!, gone.metadata!.name!);
        if (!live) continue;
        const annotations = live.metadata?.annotations ?? {};
        const protectedFromPrune =
          this.fieldManager === 'argocd-controller' ? (annotations[ARGOCD_SYNC_OPTIONS] ?? '').split(',').includes('Prune=false') : annotations[FLUX_PRUNE] === 'disabled';
        if (protectedFromPrune) {
          keptFromPrune.push(objectKey(gone as never));
          continue;
        }
        await this.client.delete(kind as Exclude<KnownKind, 'PersistentVolumeClaim'>, gone.metadata!.namespace!, gone.metadata!.name!);
        pruned.push(objectKey(gone as never));
      }
    }
    this.inventory = objects;
    return { applied, pruned, keptFromPrune };
  }
}
