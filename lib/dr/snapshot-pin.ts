/**
 * The snapshot pin: which snapshot a recovery of a generation restores. One rule, for every route (`dr run
 * --snapshot`, `synth --snapshot`, with or without `--dr-phase auto`, the Pulumi `clusterSnapshot.path`):
 *
 * - an explicit `s3://` path is taken as given: the user named it. The record guard (guard.ts) compares it with the
 *   path the record of the generation pinned: a recovery in progress refuses another path (exit 2), a finished one
 *   warns and restores nothing again;
 * - `latest` or a snapshot name is resolved once, when the recovery of the generation starts; once the record of the
 *   generation names a path (`snapshotPath`, written with its first status), that path, never a newer snapshot
 *   (automated snapshots are taken every few minutes, so `latest` moves).
 *
 * Pure: the routes read the record and list the store; this decides which of the two they use.
 */
import type { RecoveryRecord } from './status-record';
import { isOfGeneration } from './generation';

/** What the rule says to use. */
export type SnapshotPin =
  /** The path the user named (`isPinned`: the record of this generation pins that same path). */
  | { readonly use: 'explicit'; readonly path: string; readonly isPinned: boolean }
  /** The path the record of this generation pinned; `notice` says so (the user asked for `latest` or a name). */
  | { readonly use: 'pinned'; readonly path: string; readonly notice: string }
  /** Nothing pinned yet: resolve the choice against the store now (it is then pinned by the first record write). */
  | { readonly use: 'resolve'; readonly choice: string };

/** True for a full snapshot path, as opposed to `latest` or a snapshot name. */
export function isExplicitSnapshotPath(choice: string): boolean {
  return choice.startsWith('s3://');
}

/** The snapshot path the record pins for `generation`, or undefined when that generation's recovery has not started. */
export function pinnedSnapshotPath(record: RecoveryRecord | undefined, generation: number | undefined): string | undefined {
  return isOfGeneration(record?.status, generation) ? record!.identity.snapshotPath : undefined;
}

/** The rule: `choice` is `--snapshot` / `clusterSnapshot.path`; `pinned` what `pinnedSnapshotPath` read. */
export function snapshotPin(choice: string, pinned: string | undefined): SnapshotPin {
  if (isExplicitSnapshotPath(choice)) return { use: 'explicit', path: choice, isPinned: choice === pinned };
  if (pinned !== undefined) {
    return { use: 'pinned', path: pinned, notice: `${choice}: ${pinned}, pinned in the status record when this generation's recovery started (raise the generation to restore another snapshot)` };
  }
  return { use: 'resolve', choice };
}
