/**
 * Validation of a typed cluster spec (written in TypeScript or passed as JSON): the spec's schema (`spec-schema.ts`:
 * shape, values, the rules between fields), then the limits the API server and StarRocks enforce only later
 * (`limits.ts`). Rejects what Kubernetes or StarRocks would reject later, or what can never work, with one error that
 * names the field in the CRD's words (`starRocksFeSpec.replicas`) and the fix. Unknown keys are rejected with the
 * nearest valid key, since JSON input is not checked by the compiler.
 *
 * Disaster-recovery snapshot checks are not here: the DR engine owns them. Only the shape of `disasterRecovery`
 * is checked.
 */
import { StarRocksDrError } from '../errors';
import { checkLimits } from './limits';
import { firstProblem } from './schema-kit';
import { StarRocksClusterSpecSchema, type StarRocksClusterSpec } from './spec-schema';
import { formatPath, type FailFn } from './spec-path';

export { formatPath, type FailFn, type SpecPath } from './spec-path';
export { MAX_CLUSTER_NAME_LENGTH } from './spec-schema';

const throwInvalid: FailFn = (path, problem, fix) => {
  throw new StarRocksDrError('InvalidInput', problem, { field: formatPath(path), fix });
};

/**
 * Checks a typed spec and returns it unchanged, or throws `StarRocksDrError` ('InvalidInput') for the first problem.
 */
export function validateSpec(spec: StarRocksClusterSpec): StarRocksClusterSpec {
  checkSpec(spec, throwInvalid);
  return spec;
}

/** The same checks as `validateSpec`, reporting through `fail` (the values loader maps paths back to its keys). */
export function checkSpec(spec: unknown, fail: FailFn): asserts spec is StarRocksClusterSpec {
  const problem = firstProblem(StarRocksClusterSpecSchema, spec);
  if (problem) fail(problem.path, problem.problem, problem.fix);
  checkLimits(spec as StarRocksClusterSpec, fail);
}
