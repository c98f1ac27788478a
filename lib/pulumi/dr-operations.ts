/**
 * What the `DisasterRecovery` dynamic provider does, as plain functions over plain inputs. The provider object
 * (disaster-recovery-provider.ts) is serialized into the Pulumi state and `require`s this module at run time; all
 * decisions stay in the DR engine (lib/dr): preflight for `check`, `runRecovery` (stopped at `done`) for
 * `create`/`update`, the status record for `read`.
 *
 * A contract: serialized providers stored in users' state require this module (v1 as TypeScript through tsx, v2
 * compiled: see disaster-recovery-provider.ts). Keep checkDr, diffDr, runDr, updateDr, readDr and deleteDr with
 * compatible signatures and outputs.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { runRecovery, readStatus, type RecoveryPlan } from '../dr/executor';
import { holderIdentity } from '../dr/lease';
import { planRecoveryLive } from '../dr/plan';
import { compareGeneration, finishedBefore, GENERATION_RULE, generationWentDown, isGeneration, needsRun } from '../dr/generation';
import { validateForRoute } from '../dr/preflight';
import { conditionOf, DrConditionType, type DisasterRecoveryStatus } from '../dr/status';
import type { RecoveryChecks } from '../dr/verification';
import { StarRocksDrError } from '../errors';
import { KubeClient, type Connect } from '../kube/client';
import { componentResourceName, statusRecordName } from '../render/names';
import { withPulumiApplyAnnotations } from './apply-annotations';
import type { StarRocksClusterSpec } from '../model/types';

/**
 * How a recovery is verified from the database (lib/dr/verification.ts), as the CLI's `--verify`, `--fe-address`,
 * `--user` and `--password-secret` say it.
 */
export interface DrVerifyInputs {
  /**
   * `checks`: ask the database whether the restore finished before the full topology goes on (and, for
   * `RecoveryVerification`, whether the rollout registered); `none`: skip it (no port-forward), and record so.
   * @default checks
   */
  readonly verify?: 'checks' | 'none';
  /** `host:port` of the FE's query port (skips the port-forward). */
  readonly feAddress?: string;
  /** @default root */
  readonly sqlUser?: string;
  /** `[namespace/]name[:key]` of a Secret with the SQL user's password. */
  readonly passwordSecret?: string;
}

/** The record's `Verified` condition, as an output (`verification`). */
export interface DrVerification {
  /** `True`, `False` or `Unknown` (skipped). */
  readonly status: string;
  /** RestoreChecksPassed, AllChecksPassed, CheckFailed, FeNotAsked or Skipped (lib/dr/verification.ts). */
  readonly reason: string;
  /** Every check and what it saw. */
  readonly message: string;
  /** Unix seconds; when the database last confirmed the restore. */
  readonly verifiedTimestamp?: number;
}

/** Inputs of a `DisasterRecovery` resource, as the provider receives them (secrets already unwrapped). */
export interface DrInputs extends DrVerifyInputs {
  /** The cluster spec (validated); its `disasterRecovery` is replaced by `generation`. */
  readonly spec: StarRocksClusterSpec;
  /** The requested recovery generation (`pulumi config set drGeneration N`). */
  readonly generation: number;
  readonly namespace: string;
  /**
   * Kubeconfig: file contents or a file path, as `kubernetes:kubeconfig`.
   * @default - $KUBECONFIG, then ~/.kube/config
   */
  readonly kubeconfig?: string;
  /** @default - the kubeconfig's current context */
  readonly context?: string;
  /** Longest wait for the restoring FE. @default 1800 */
  readonly timeoutSeconds?: number;
  /**
   * Restore even where the DR engine's guard refuses (no record on a live cluster, a record of another cluster):
   * `pulumi config set forceRestore true` for one `pulumi up`. @default false
   */
  readonly force?: boolean;
}

/** Outputs: what `delete` and `read` need to reconnect, plus the recorded status. */
export interface DrOutputs {
  readonly cluster: string;
  readonly namespace: string;
  readonly generation: number;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly timeoutSeconds: number;
  readonly phase: string;
  readonly reason: string;
  readonly observedGeneration: number;
  readonly startTimestamp: number;
  /** Unix seconds; absent until `done`. */
  readonly endTimestamp?: number;
  /** What the database said (the record's `Verified` condition); absent before `done`. */
  readonly verification?: DrVerification;
  /**
   * Set on the outputs of a create/update that stopped (timeout, refusal, API error), which the engine keeps as a
   * partial resource: its phase is the record's, which may belong to an earlier run, so the next update runs again.
   */
  readonly incomplete?: boolean;
}

export interface DrCheckFailure {
  readonly property: string;
  readonly reason: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 30 * 60;

/** The spec with DR requested for `generation`, as the engine plans it. */
export function specForGeneration(spec: StarRocksClusterSpec, generation: number): StarRocksClusterSpec {
  return { ...spec, disasterRecovery: { enabled: true, generation } };
}

/** `check`: the engine's validation and preflight, and no going back to a lower generation. */
export function checkDr(olds: Partial<DrInputs> | undefined, news: DrInputs): { inputs: DrInputs; failures: DrCheckFailure[] } {
  const failures: DrCheckFailure[] = [];
  if (!isGeneration(news.generation)) {
    failures.push({
      property: 'generation',
      reason: `drGeneration must be ${GENERATION_RULE}. Fix: pulumi config set drGeneration 1 (raise it by one for each new recovery)`,
    });
  } else {
    const last = isGeneration(olds?.generation) ? olds!.generation : undefined;
    if (compareGeneration(news.generation, last) === 'lower') {
      failures.push({ property: 'generation', reason: generationWentDown(news.generation, last!, 'drGeneration', "this stack's last run").message });
    }
  }
  if (typeof news.namespace !== 'string' || news.namespace === '') failures.push({ property: 'namespace', reason: 'namespace is required' });
  if (news.timeoutSeconds !== undefined && !(typeof news.timeoutSeconds === 'number' && news.timeoutSeconds > 0)) {
    failures.push({ property: 'timeoutSeconds', reason: `must be a positive number of seconds, got ${JSON.stringify(news.timeoutSeconds)}` });
  }
  failures.push(...checkVerifyInputs(news));
  if (failures.length === 0) {
    try {
      // The one validation every route runs (preflight.ts); the snapshot file is checked here when the spec carries
      // it, and from the cluster in create.
      validateForRoute(news.spec, { form: 'restore', generation: news.generation, generationField: 'drGeneration', namespace: news.namespace, namespaceField: 'namespace' });
    } catch (e) {
      // No `property`: the engine prints a failure of a named property with that property's whole value
      // (pulumi v3.248.0 pkg/resource/deploy/step_generator.go:2825, "property %v value %v has a problem"), here the
      // entire spec as a Go map, secrets included; the message already names the values key and the fix.
      failures.push({ property: '', reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { inputs: { ...news, timeoutSeconds: news.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS }, failures };
}

/** `verify`, `feAddress`, `passwordSecret`: checked as the CLI checks its flags, before anything runs. */
export function checkVerifyInputs(news: DrVerifyInputs & { readonly namespace?: string }): DrCheckFailure[] {
  const failures: DrCheckFailure[] = [];
  if (news.verify !== undefined && news.verify !== 'checks' && news.verify !== 'none') {
    failures.push({ property: 'verify', reason: `must be checks or none, got ${JSON.stringify(news.verify)}. Fix: pulumi config set verify none (skip the database checks), or pulumi config rm verify` });
  }
  const { parseAddress, parseSecretRef } = require('../sql/reach') as typeof import('../sql/reach');
  for (const [property, parse] of [
    ['feAddress', () => parseAddress(news.feAddress!, 9030)],
    ['passwordSecret', () => parseSecretRef(news.passwordSecret!, news.namespace || 'default')],
  ] as const) {
    if (news[property] === undefined || news[property] === '') continue;
    try {
      parse();
    } catch (e) {
      failures.push({ property, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return failures;
}

/** The checks a run of `inputs` asks for, or undefined for `verify: none` (recorded as skipped). */
export function checksFor(client: KubeClient, spec: StarRocksClusterSpec, namespace: string, inputs: DrVerifyInputs, extra: { snapshotText?: string; userChecks?: readonly { sql: string; expect: string }[] } = {}): RecoveryChecks | undefined {
  if (inputs.verify === 'none') return undefined;
  const { recoveryChecks } = require('../sql/recovery-checks') as typeof import('../sql/recovery-checks');
  const { userChecks } = require('../sql/verify') as typeof import('../sql/verify');
  const user = extra.userChecks ?? [];
  return recoveryChecks(client, spec, namespace, {
    feAddress: inputs.feAddress || undefined,
    user: inputs.sqlUser || undefined,
    passwordSecret: inputs.passwordSecret || undefined,
    snapshotText: extra.snapshotText,
    userChecks: userChecks(user.map((c) => c.sql), user.map((c) => c.expect)),
  });
}

/** The record's `Verified` condition as an output. */
export function verificationOf(status: DisasterRecoveryStatus | undefined): DrVerification | undefined {
  const c = conditionOf(status, DrConditionType.VERIFIED);
  if (!c) return undefined;
  return { status: c.status, reason: c.reason, message: c.message, ...(status?.verifiedTimestamp !== undefined ? { verifiedTimestamp: status.verifiedTimestamp } : {}) };
}

/** The connection settings changed (credentials rotated, another context): reconnect, never a new recovery. */
export function connectionChanged(olds: Partial<DrOutputs>, news: DrInputs): boolean {
  return (olds.kubeconfig ?? '') !== (news.kubeconfig ?? '') || (olds.context ?? '') !== (news.context ?? '');
}

/**
 * `diff`: a new recovery only when the generation rises, or the last run of this generation did not finish. A
 * kubeconfig or context change is an in-place update (`updateDr` reconnects), never a replace: a replace is a
 * delete and a create, that is a new recovery over a live cluster.
 */
export function diffDr(olds: Partial<DrOutputs>, news: DrInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  // Another cluster or namespace is another recovery record: replace.
  const replaces: string[] = [];
  if (olds.namespace !== undefined && olds.namespace !== news.namespace) replaces.push('namespace');
  if (olds.cluster !== undefined && olds.cluster !== news.spec.name) replaces.push('spec');
  const rerun = needsRun({ generation: olds.generation ?? olds.observedGeneration, phase: olds.phase, incomplete: olds.incomplete }, news.generation);
  const changes = replaces.length > 0 || rerun || connectionChanged(olds, news) || (olds.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) !== (news.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
}

function looksLikeKubeconfigText(s: string): boolean {
  return s.includes('\n') || s.trimStart().startsWith('{') || s.trimStart().startsWith('apiVersion');
}

/**
 * A client for the target cluster, following `@pulumi/kubernetes`: `kubeconfig` is a file's text or its path.
 * `using`: how to connect (`RunOptions.connect`; tests pass the simulator's). @default KubeClient.connect
 */
export function connect(kubeconfig: string | undefined, context: string | undefined, using: Connect = KubeClient.connect): KubeClient {
  if (kubeconfig === undefined || kubeconfig === '' || !looksLikeKubeconfigText(kubeconfig)) {
    return using({ kubeconfig: kubeconfig || undefined, context: context || undefined });
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(kubeconfig);
  } catch (e) {
    throw new StarRocksDrError('InvalidInput', `the kubeconfig text cannot be read: ${(e as Error).message}`, {
      field: 'kubernetes:kubeconfig',
      fix: 'set kubernetes:kubeconfig to a kubeconfig file path or its YAML text',
    });
  }
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new StarRocksDrError('InvalidInput', `kubeconfig has no context named ${context}`, {
        field: 'kubernetes:context',
        fix: `use one of: ${kc.getContexts().map((c) => c.name).join(', ') || '(none)'}`,
      });
    }
    kc.setCurrentContext(context);
  }
  return using({ kubeConfig: kc });
}

function outputsOf(inputs: DrInputs, status: DisasterRecoveryStatus | undefined): DrOutputs {
  return {
    cluster: inputs.spec.name,
    namespace: inputs.namespace,
    generation: inputs.generation,
    ...(inputs.kubeconfig !== undefined ? { kubeconfig: inputs.kubeconfig } : {}),
    ...(inputs.context !== undefined ? { context: inputs.context } : {}),
    timeoutSeconds: inputs.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    phase: status?.phase ?? '',
    reason: status?.reason ?? '',
    observedGeneration: status?.observedGeneration ?? 0,
    startTimestamp: status?.startTimestamp ?? 0,
    ...(status?.endTimestamp !== undefined ? { endTimestamp: status.endTimestamp } : {}),
    ...(verificationOf(status) ? { verification: verificationOf(status) } : {}),
  };
}

/** The resource id: one recovery record per cluster. */
export function drId(namespace: string, cluster: string): string {
  return `${namespace}/${cluster}`;
}

/** Thrown by `create`/`update` when the recovery stopped; `id` + `properties` make the engine keep a partial resource. */
export class DrRunError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: DrOutputs,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = 'DrRunError';
  }
}

export interface RunOptions {
  /** Progress lines (the host shows stdout lines as diagnostics). @default console.log */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** How to reach the cluster (tests pass the simulator's clock and transport). @default KubeClient.connect */
  readonly connect?: Connect;
}

/**
 * `create` / `update`: apply the restore form, wait for the FE of the generation, record `done`, and stop: the
 * Pulumi program applies the full topology (its resources depend on this one). Resumes a recorded run.
 */
export async function runDr(inputs: DrInputs, opts: RunOptions = {}): Promise<{ id: string; outs: DrOutputs }> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const id = drId(inputs.namespace, inputs.spec.name);
  const client = connect(inputs.kubeconfig, inputs.context, opts.connect);
  const spec = specForGeneration(inputs.spec, inputs.generation);
  let last: DisasterRecoveryStatus | undefined;
  try {
    const validated = validateForRoute(spec, { form: 'restore', generationField: 'drGeneration', namespace: inputs.namespace, namespaceField: 'namespace' });
    const { plan: rendered, preflight: checked } = await planRecoveryLive(client, validated, { requireSnapshotObject: true });
    const plan = withPulumiMetadata(rendered, inputs.generation);
    for (const w of checked.warnings) log(`warning: ${w}`);
    last = await readStatus(client, plan.cluster, plan.namespace);
    const final = await runRecovery(plan, {
      client,
      mode: 'apply',
      stopAt: 'done',
      waitForRollout: false,
      timeoutMs: (inputs.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      signal: opts.signal,
      force: inputs.force === true,
      holder: holderIdentity('pulumi up'),
      // The restore checks (verification.ts) run before `done` is returned, so the full topology waits for them.
      checks: checksFor(client, validated.spec, plan.namespace, inputs, { snapshotText: checked.snapshotText }),
      onProgress: (event) => {
        if (event.type === 'status') {
          last = event.status;
          log(`disaster recovery generation ${event.status.observedGeneration}: phase ${event.status.phase} (${event.status.reason || '-'})`);
        } else if (event.type === 'apply') log(`applied the ${event.form} form (${event.objects} objects)`);
        else if (event.type === 'warning') log(`warning: ${event.message}`);
        // What the run waits for, e.g. the lease of a `pulumi up` that was killed (held until it expires).
        else log(event.message);
      },
    });
    return { id, outs: outputsOf(inputs, final) };
  } catch (e) {
    const recorded = await readStatus(client, inputs.spec.name, inputs.namespace).catch(() => last);
    const where = `ConfigMap/${statusRecordName(inputs.spec.name)} in ${inputs.namespace}`;
    const state = recorded ? `The recovery is recorded as phase ${recorded.phase} (generation ${recorded.observedGeneration}, started ${recorded.startTimestamp}) in ${where}` : `No recovery was recorded in ${where}`;
    const message = `${e instanceof Error ? e.message : String(e)}. ${state}; ${nextStep(e)}.`;
    throw new DrRunError(message, id, { ...outputsOf(inputs, recorded), incomplete: true }, [message]);
  }
}

/**
 * The restore form with the metadata Pulumi gives the full form (apply-annotations.ts), so an object both forms share
 * is the same object whichever apply the cluster last saw. pulumi-kubernetes records, as a headless Service's live
 * state, the first copy its informer delivers, which can be the copy from before its own apply (provider v4
 * pkg/await/service.go: `checkAndLogStatus` returns `serviceReady` at once when `shouldWaitForPods` is false, and
 * `processServiceEvent` keeps the event's object); without the annotations on that copy, the next
 * `pulumi preview` proposed adding them to `<cluster>-fe-search`.
 */
function withPulumiMetadata(plan: RecoveryPlan, generation: number): RecoveryPlan {
  const feName = componentResourceName(plan.cluster, 'fe');
  return { ...plan, restoreObjects: plan.restoreObjects.map((o) => withPulumiApplyAnnotations(o, feName, generation)) };
}

/**
 * What to do after a stopped run. A refusal or bad input is not a run to resume: rerunning unchanged is refused
 * again. The guard refuses before anything is applied (lib/dr/executor.ts: `guard` before the first apply).
 */
function nextStep(e: unknown): string {
  const code = e instanceof StarRocksDrError ? e.code : undefined;
  if (code === 'Refused') return 'nothing was applied. Follow the Fix above, then run pulumi up again';
  if (code === 'InvalidInput' || code === 'InvalidSnapshot' || code === 'GenerationWentDown') return 'there is nothing to resume. Follow the Fix above, then run pulumi up again';
  if (code === 'CheckFailed') return 'the full topology waits for the database: run pulumi up again to check again, or set verify none (pulumi config set verify none) to go on without the checks';
  return 'run pulumi up again to resume it (the startTimestamp is kept)';
}

/** `read`: the status recorded in the cluster. A missing record keeps the last known outputs (see README). */
export async function readDr(id: string, props: DrOutputs, opts: Pick<RunOptions, 'connect'> = {}): Promise<{ id: string; props: DrOutputs }> {
  const client = connect(props.kubeconfig, props.context, opts.connect);
  const status = await readStatus(client, props.cluster, props.namespace);
  if (!status) return { id, props };
  // `incomplete` survives a refresh: a partial resource stays one until a create/update finishes.
  const { cluster, namespace, generation, kubeconfig, context, timeoutSeconds, incomplete } = props;
  const base = { cluster, namespace, generation, kubeconfig, context, timeoutSeconds, incomplete };
  return { id, props: { ...stripUndefined(base), ...statusFields(status) } as DrOutputs };
}

/**
 * `update`: a raised generation or an unfinished run runs the recovery (`runDr`); a finished generation whose
 * connection settings or timeout changed only reconnects and reads the record, so refresh and destroy talk to the
 * cluster the stack now names.
 */
export async function updateDr(olds: Partial<DrOutputs>, news: DrInputs, opts: RunOptions = {}): Promise<{ id: string; outs: DrOutputs }> {
  // An incomplete (partial) resource runs again even when the record says done: that record may be another run's.
  const finished = finishedBefore({ generation: olds.generation ?? olds.observedGeneration, phase: olds.phase, incomplete: olds.incomplete }, news.generation);
  if (!finished) return runDr(news, opts);
  const client = connect(news.kubeconfig, news.context, opts.connect);
  const status = await readStatus(client, news.spec.name, news.namespace);
  const kept = olds as DrOutputs;
  return { id: drId(news.namespace, news.spec.name), outs: { ...outputsOf(news, undefined), ...statusFields(status ?? kept) } };
}

/** What `delete` says: the record stays, and why. Shown by the engine as a diagnostic. */
export function keptRecordNotice(props: Pick<DrOutputs, 'cluster' | 'namespace' | 'observedGeneration' | 'phase'>): string {
  return (
    `warning: DisasterRecovery deleted from the stack; the status record ConfigMap/${statusRecordName(props.cluster)} in ` +
    `${props.namespace} is KEPT (generation ${props.observedGeneration}, phase ${props.phase || '-'}): it stops a later ` +
    `drGeneration ${props.observedGeneration || 'N'} from restoring again over a live cluster. To recover again, raise drGeneration; ` +
    `delete the record yourself only if the cluster's PVCs are gone (see lib/pulumi/README.md, "What destroy removes and keeps")`
  );
}

/**
 * `delete` (`pulumi destroy`, `drGeneration` back to 0, a replace): removes nothing. The status record is the
 * guard against running a finished generation again over a live cluster, and the cluster, its StatefulSets and PVCs
 * belong to the other resources (or to nobody). It only says so, loudly.
 */
export async function deleteDr(props: DrOutputs, opts: Pick<RunOptions, 'log'> = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(line));
  log(keptRecordNotice(props));
}

type StatusFields = Pick<DrOutputs, 'phase' | 'reason' | 'observedGeneration' | 'startTimestamp' | 'endTimestamp' | 'verification'>;

function statusFields(s: DisasterRecoveryStatus | StatusFields): StatusFields {
  const verification = 'conditions' in s ? verificationOf(s) : s.verification;
  return {
    phase: s.phase,
    reason: s.reason,
    observedGeneration: s.observedGeneration,
    startTimestamp: s.startTimestamp,
    ...(s.endTimestamp !== undefined ? { endTimestamp: s.endTimestamp } : {}),
    ...(verification ? { verification } : {}),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Inputs of a `RecoveryVerification` resource: the rollout checks after the full topology (verification.ts), for the
 * recovery the `DisasterRecovery` inputs describe (`timeoutSeconds`: the longest wait for the rollout and the checks).
 */
export interface RolloutVerifyInputs extends Omit<DrInputs, 'force'> {
  /** The user's own checks (Pulumi config `verify`: `[{sql, expect}]`; one read-only statement each). */
  readonly userChecks?: readonly { readonly sql: string; readonly expect: string }[];
}

export interface RolloutVerifyOutputs {
  readonly cluster: string;
  readonly namespace: string;
  readonly generation: number;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly verify: 'checks' | 'none';
  readonly userChecks: readonly { readonly sql: string; readonly expect: string }[];
  readonly verification?: DrVerification;
  /** Set on the outputs of a run that stopped: the next `pulumi up` checks again. */
  readonly incomplete?: boolean;
}

/** `check` of `RecoveryVerification`: the verify inputs and the user's statements, refused before anything runs. */
export function checkRolloutVerify(news: RolloutVerifyInputs): { inputs: RolloutVerifyInputs; failures: DrCheckFailure[] } {
  const failures = checkVerifyInputs(news);
  const checks = news.userChecks ?? [];
  if (!Array.isArray(checks) || checks.some((c) => typeof c?.sql !== 'string' || typeof c?.expect !== 'string')) {
    failures.push({ property: 'userChecks', reason: 'must be a list of {sql, expect}. Fix: pulumi config set --path "verify[0].sql" "SELECT COUNT(*) FROM db.table" and --path "verify[0].expect" 3' });
  } else if (news.verify === 'none' && checks.length > 0) {
    failures.push({ property: 'userChecks', reason: 'verify is none, which skips the checks, but checks are listed. Fix: drop verify none, or the checks' });
  } else {
    try {
      const { userChecks } = require('../sql/verify') as typeof import('../sql/verify');
      userChecks(checks.map((c) => c.sql), checks.map((c) => c.expect));
    } catch (e) {
      failures.push({ property: 'userChecks', reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { inputs: news, failures };
}

/** `diff`: check again when the generation, the checks or `verify` changed, or the last check did not pass. */
export function diffRolloutVerify(olds: Partial<RolloutVerifyOutputs>, news: RolloutVerifyInputs): { changes: boolean } {
  const same = olds.generation === news.generation && (olds.verify ?? 'checks') === (news.verify ?? 'checks') && JSON.stringify(olds.userChecks ?? []) === JSON.stringify(news.userChecks ?? []);
  return { changes: !same || olds.incomplete === true || connectionChanged(olds, news as DrInputs) };
}

/**
 * `create` / `update` of `RecoveryVerification`: after the full topology the program applied (its resources are
 * this one's dependencies), wait for the rollout and run the rollout checks and the user's, recording them in the
 * status record's `Verified` condition. Applies nothing (observe mode). `verify: none` only reads the record.
 */
export async function verifyRollout(inputs: RolloutVerifyInputs, opts: RunOptions = {}): Promise<{ id: string; outs: RolloutVerifyOutputs }> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const id = `${drId(inputs.namespace, inputs.spec.name)}/verification`;
  const client = connect(inputs.kubeconfig, inputs.context, opts.connect);
  const outs = (status: DisasterRecoveryStatus | undefined, incomplete?: boolean): RolloutVerifyOutputs => ({
    cluster: inputs.spec.name,
    namespace: inputs.namespace,
    generation: inputs.generation,
    ...(inputs.kubeconfig !== undefined ? { kubeconfig: inputs.kubeconfig } : {}),
    ...(inputs.context !== undefined ? { context: inputs.context } : {}),
    verify: inputs.verify ?? 'checks',
    userChecks: inputs.userChecks ?? [],
    ...(verificationOf(status) ? { verification: verificationOf(status) } : {}),
    ...(incomplete ? { incomplete } : {}),
  });
  if (inputs.verify === 'none') return { id, outs: outs(await readStatus(client, inputs.spec.name, inputs.namespace)) };
  try {
    const spec = specForGeneration(inputs.spec, inputs.generation);
    const validated = validateForRoute(spec, { form: 'restore', generationField: 'drGeneration', namespace: inputs.namespace, namespaceField: 'namespace' });
    const { plan, preflight } = await planRecoveryLive(client, validated, { requireSnapshotObject: false });
    const final = await runRecovery(plan, {
      client,
      mode: 'observe',
      waitForRollout: true,
      timeoutMs: (inputs.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      signal: opts.signal,
      holder: holderIdentity('pulumi up (verification)'),
      checks: checksFor(client, validated.spec, plan.namespace, inputs, { snapshotText: preflight.snapshotText, userChecks: inputs.userChecks }),
      onProgress: (event) => {
        if (event.type === 'waiting' || event.type === 'notice' || event.type === 'warning') log(event.type === 'warning' ? `warning: ${event.message}` : event.message);
      },
    });
    const verified = verificationOf(final);
    if (verified?.reason !== 'AllChecksPassed') {
      throw new StarRocksDrError('CheckFailed', `the rollout of generation ${inputs.generation} was not verified: ${verified ? `${verified.reason}: ${verified.message}` : 'the record has no Verified condition'}`, {
        field: `ConfigMap/${statusRecordName(inputs.spec.name)} in ${inputs.namespace}`,
        fix: 'the full topology must run first (the DisasterRecovery resource and the StatefulSets before this one); run pulumi up again',
      });
    }
    return { id, outs: outs(final) };
  } catch (e) {
    const recorded = await readStatus(client, inputs.spec.name, inputs.namespace).catch(() => undefined);
    const code = e instanceof StarRocksDrError ? e.code : undefined;
    const next = code === 'InvalidInput' ? 'Follow the Fix above, then run pulumi up again' : 'Run pulumi up again to check again (a compute node still registering passes then), or set verify none (pulumi config set verify none)';
    const message = `${e instanceof Error ? e.message : String(e)}. ${next}.`;
    // A partial resource (outputs with `incomplete`): the next `pulumi up` checks again.
    throw new DrRunError(message, id, outs(recorded, true) as unknown as DrOutputs, [message]);
  }
}
