/**
 * Unknown-field check: reports every property of a rendered object that the Kubernetes schema of its kind does not
 * have (a misspelt `imagePulPolicy` is otherwise silently dropped by the API server, and `kubernetes-models`'
 * validators accept it because their schemas allow additional properties).
 *
 * The schema comes from `kubernetes-models` itself: its typed interfaces (`IStatefulSet`, ...) are generated from the
 * Kubernetes OpenAPI document, one interface per definition, `$ref`s as imports. We read them with the TypeScript
 * compiler's type checker, which resolves every reference for us, and walk the object against them.
 * `typescript` is a development dependency, so it is loaded only when the check is first used.
 */
import * as path from 'node:path';
import type * as TS from 'typescript';
import { StarRocksDrError } from '../errors';

/** One property the schema does not know: `path` is where it sits, e.g. `spec.template.spec.containers[0]`. */
export interface UnknownField {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly field: string;
}

/** Kinds the checker knows, with their `kubernetes-models` module and interface. */
const ROOTS: Readonly<Record<string, readonly [string, string]>> = {
  StatefulSet: ['kubernetes-models/apps/v1/StatefulSet', 'IStatefulSet'],
  Service: ['kubernetes-models/v1/Service', 'IService'],
  ConfigMap: ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  Secret: ['kubernetes-models/v1/Secret', 'ISecret'],
  PersistentVolumeClaim: ['kubernetes-models/v1/PersistentVolumeClaim', 'IPersistentVolumeClaim'],
};

export interface KubeSchemaChecker {
  /** The kinds this checker can check. */
  readonly kinds: readonly string[];
  /** Unknown properties of `obj` (empty when all are known). Throws for a kind it does not know. */
  unknownFields(obj: { kind: string; metadata?: { name?: string } }): UnknownField[];
}

let cached: KubeSchemaChecker | undefined;

/** The checker (built once per process: type-checking the model declarations takes about a second). */
export function kubeSchemaChecker(): KubeSchemaChecker {
  cached ??= buildChecker();
  return cached;
}

function loadTypescript(): typeof TS {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('typescript') as typeof TS;
  } catch (cause) {
    throw new StarRocksDrError('InvalidInput', 'the unknown-field check needs the typescript package', {
      field: 'typescript',
      fix: 'install the development dependencies (npm ci) or skip the unknown-field check',
      cause,
    });
  }
}

function buildChecker(): KubeSchemaChecker {
  const ts = loadTypescript();
  const modelsDir = path.dirname(require.resolve('kubernetes-models/package.json'));
  const rootFile = path.join(path.dirname(path.dirname(modelsDir)), '__starrocks_dr_schema_roots__.ts');
  const kinds = Object.keys(ROOTS);
  const source =
    kinds.map((k, i) => `import type { ${ROOTS[k][1]} as R${i} } from '${ROOTS[k][0]}';`).join('\n') +
    `\nexport interface Roots {\n${kinds.map((k, i) => `  ${k}: R${i};`).join('\n')}\n}\n`;
  const options: TS.CompilerOptions = {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    name === rootFile ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, onError, create);
  host.fileExists = (name) => name === rootFile || fileExists(name);
  host.readFile = (name) => (name === rootFile ? source : readFile(name));
  const program = ts.createProgram([rootFile], options, host);
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(rootFile)!;
  const rootsSymbol = checker.getSymbolAtLocation(
    sf.statements.find((s): s is TS.InterfaceDeclaration => ts.isInterfaceDeclaration(s))!.name,
  )!;
  const rootsType = checker.getDeclaredTypeOfSymbol(rootsSymbol);
  const rootTypes = new Map<string, TS.Type>();
  for (const k of kinds) rootTypes.set(k, checker.getTypeOfSymbol(checker.getPropertyOfType(rootsType, k)!));

  const objectMembers = (type: TS.Type): TS.Type[] => {
    const t = checker.getNonNullableType(type);
    const members = t.isUnion() ? t.types : [t];
    return members.filter((m) => (m.flags & ts.TypeFlags.Object) !== 0 || (m.flags & ts.TypeFlags.Intersection) !== 0);
  };
  const isOpen = (type: TS.Type): boolean =>
    (checker.getNonNullableType(type).flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;

  const walk = (value: unknown, type: TS.Type, at: string, out: Array<{ path: string; field: string }>): void => {
    if (value === null || typeof value !== 'object' || isOpen(type)) return;
    const members = objectMembers(type);
    if (Array.isArray(value)) {
      for (const m of members) {
        const element = checker.getIndexTypeOfType(m, ts.IndexKind.Number);
        if (element) {
          value.forEach((v, i) => walk(v, element, `${at}[${i}]`, out));
          return;
        }
      }
      return;
    }
    if (members.length === 0) return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      let childType: TS.Type | undefined;
      for (const m of members) {
        const prop = checker.getPropertyOfType(m, key);
        if (prop) {
          childType = checker.getTypeOfSymbol(prop);
          break;
        }
        const index = checker.getIndexTypeOfType(m, ts.IndexKind.String);
        if (index) {
          childType = index;
          break;
        }
      }
      if (childType === undefined) out.push({ path: at, field: key });
      else walk(child, childType, at === '' ? key : `${at}.${key}`, out);
    }
  };

  return {
    kinds,
    unknownFields(obj) {
      const root = rootTypes.get(obj.kind);
      if (root === undefined) {
        throw new StarRocksDrError('InvalidInput', `the unknown-field check does not know kind ${obj.kind}`, {
          field: `${obj.kind}/${obj.metadata?.name ?? ''}`,
          fix: `check only the kinds ${kinds.join(', ')}`,
        });
      }
      const found: Array<{ path: string; field: string }> = [];
      walk(obj, root, '', found);
      return found.map((f) => ({ kind: obj.kind, name: obj.metadata?.name ?? '', ...f }));
    },
  };
}
