/**
 * The reference cluster every test starts from: examples/starrocks-values.yaml, and with examples/override.yaml for
 * the recovery (DR) form. Each call loads the files again, so a test may change its spec without touching another's.
 * Tests of the loader itself (test/model/values-*.test.ts) load the files explicitly, as that is what they test.
 */
import type { StarRocksClusterSpec } from '../lib/model/types';
import { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES, loadValuesFiles } from '../lib/model/values';

/** The reference cluster's values files, in order (absolute paths, as given to `-f` or to `loadValuesFiles`). */
export const REFERENCE_VALUES_FILES: readonly string[] = [BUILTIN_EXAMPLE_VALUES];

/** The reference cluster's values files with the DR override (snapshot ConfigMap mounted into the FE, generation 1). */
export const REFERENCE_DR_VALUES_FILES: readonly string[] = [BUILTIN_EXAMPLE_VALUES, BUILTIN_EXAMPLE_DR_OVERRIDE];

/** The reference cluster (examples/starrocks-values.yaml). */
export function referenceSpec(): StarRocksClusterSpec {
  return loadValuesFiles(REFERENCE_VALUES_FILES).spec;
}

/** The reference cluster with its DR override (examples/override.yaml): disaster recovery on, generation 1. */
export function referenceDrSpec(): StarRocksClusterSpec {
  return loadValuesFiles(REFERENCE_DR_VALUES_FILES).spec;
}
