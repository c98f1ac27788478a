/**
 * Which snapshot folders StarRocks has finished writing. Pure: it reads the keys a listing returned.
 *
 * What a finished snapshot holds, from the StarRocks source:
 * - The FE uploads its local image dir to `<location>/<cluster id>/meta/image/<name>` and only then records the job
 *   FINISHED (ClusterSnapshotUtils.java:29-39 `uploadClusterSnapshotToRemote` copies GlobalStateMgr.getImageDirPath();
 *   ClusterSnapshotJob.java `runUploadingJob` persists FINISHED after the upload; states at ClusterSnapshotJob.java:32-45,
 *   commit 0620250aa53f175463eb2494aa402bbd75d86d7d). An upload cut short (FE killed, ERROR state) leaves a partial
 *   folder behind, and while a new snapshot uploads its folder is partial too.
 * - The files, as the 3.4-line uploader wrote them one by one (ClusterSnapshotMgr.java:189-230
 *   `actualUploadImageForSnapshot`, in the version before it moved to ClusterSnapshotUtils):
 *   `v2/image.<fe journal id>`, `v2/checksum.<same id>`, `ROLE`, `VERSION`, and `starmgr/image.<starmgr journal id>`;
 *   the same version deletes the previous automated snapshot once a new one is recorded (:87-88).
 * - What the restoring FE needs from it: RestoreClusterSnapshotMgr.java:141-155 downloads the folder, :166-170 reads
 *   the FE image id from it and the StarMgr image id from its `starmgr` subfolder (StarMgrServer.IMAGE_SUBDIR =
 *   "/starmgr"), commit 00b5f3919f80c29a2d2ce7e81ee0840df3c16a66; ImageLoader.java:49-50 takes the newest of
 *   `image.<id>` (format v1) and `v2/image.<id>`, and :108-109 reads `v2/checksum.<id>` (a v2 image without its
 *   checksum fails to load), commit 9cf47b613f590c4d8aaa4c170784714828d4c550; Storage.java reads clusterId from
 *   `VERSION` and skips `image.ckpt` (an image still being written), commit 02838af309239637e591ebe5832500244c2edeed.
 * So a folder is finished when it has `VERSION`, a FE image (`v2/image.N` with `v2/checksum.N`, or a v1 `image.N`)
 * and a StarMgr image (`starmgr/image.M`). S3 objects appear whole, so presence is enough.
 */
import { isSnapshotName, snapshotTimeMs } from './location';

export interface ListedObject {
  /** Key relative to the cluster's `meta/image/` folder, e.g. `automated_cluster_snapshot_1739864488333/VERSION`. */
  readonly key: string;
  readonly lastModifiedMs?: number;
}

export interface SnapshotFolder {
  readonly name: string;
  /** Creation time from the name's millisecond suffix. */
  readonly timeMs: number;
  readonly complete: boolean;
  /** What a finished snapshot would still need (empty when complete). */
  readonly missing: readonly string[];
  /** Newest LastModified of its objects, when the store reported it. */
  readonly lastModifiedMs?: number;
}

const IMAGE_RE = /^image\.(\d+)$/;

function imageIds(files: ReadonlySet<string>, dir: string): number[] {
  const ids: number[] = [];
  for (const f of files) {
    const rel = dir === '' ? f : f.startsWith(`${dir}/`) ? f.slice(dir.length + 1) : undefined;
    const m = rel === undefined ? null : IMAGE_RE.exec(rel);
    if (m) ids.push(Number(m[1]));
  }
  return ids.sort((a, b) => b - a);
}

/** What a snapshot folder holding `files` (paths relative to the folder) lacks to be restorable. */
export function missingFiles(files: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  if (!files.has('VERSION')) missing.push('VERSION');
  const v2 = imageIds(files, 'v2');
  const v1 = imageIds(files, '');
  if (v2.length > 0) {
    if (!files.has(`v2/checksum.${v2[0]}`)) missing.push(`v2/checksum.${v2[0]}`);
  } else if (v1.length === 0) {
    missing.push('v2/image.<journal id>');
  }
  if (imageIds(files, 'starmgr').length === 0) missing.push('starmgr/image.<journal id>');
  return missing;
}

/** Group a cluster's `meta/image/` listing into snapshot folders, newest first. Objects of other names are ignored. */
export function snapshotFolders(objects: readonly ListedObject[]): SnapshotFolder[] {
  const byName = new Map<string, { files: Set<string>; lastModifiedMs?: number }>();
  for (const o of objects) {
    const slash = o.key.indexOf('/');
    if (slash <= 0) continue;
    const name = o.key.slice(0, slash);
    if (!isSnapshotName(name)) continue;
    const rel = o.key.slice(slash + 1);
    const entry = byName.get(name) ?? { files: new Set<string>() };
    if (rel !== '') entry.files.add(rel);
    if (o.lastModifiedMs !== undefined) entry.lastModifiedMs = Math.max(entry.lastModifiedMs ?? 0, o.lastModifiedMs);
    byName.set(name, entry);
  }
  const folders: SnapshotFolder[] = [];
  for (const [name, { files, lastModifiedMs }] of byName) {
    const missing = missingFiles(files);
    folders.push({ name, timeMs: snapshotTimeMs(name)!, complete: missing.length === 0, missing, lastModifiedMs });
  }
  // Names embed the time, so sorting by it is sorting by name; the name breaks ties for a stable order.
  return folders.sort((a, b) => b.timeMs - a.timeMs || (a.name < b.name ? 1 : -1));
}
