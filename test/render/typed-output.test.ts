/**
 * Rendered objects are typed with the Kubernetes API's models (lib/render/kube-object.ts), so a misspelt field in
 * the renderer fails to compile. Each case misspells one real field in a copy of a real renderer file and type-checks
 * lib/render with the TypeScript compiler; the build must fail at that field, naming it. Without the types (the
 * objects were `Record<string, unknown>` before), these edits compiled and the field was silently dropped by the API
 * server.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const RENDER = path.join(ROOT, 'lib', 'render');

interface Misspelling {
  readonly file: string;
  /** Unique text in the file, and what it becomes. */
  readonly from: string;
  readonly to: string;
  /** The misspelt field the compiler must name. */
  readonly field: string;
}

const CASES: readonly Misspelling[] = [
  { file: 'pod-template.ts', from: "imagePullPolicy: s.imagePullPolicy ?? 'IfNotPresent'", to: "imagePulPolicy: s.imagePullPolicy ?? 'IfNotPresent'", field: 'imagePulPolicy' },
  { file: 'pod-template.ts', from: 'automountServiceAccountToken: false', to: 'automountServiceAcountToken: false', field: 'automountServiceAcountToken' },
  { file: 'stateful-set.ts', from: "accessModes: ['ReadWriteOnce']", to: "acessModes: ['ReadWriteOnce']", field: 'acessModes' },
  { file: 'stateful-set.ts', from: 'serviceName: searchServiceName(', to: 'servicName: searchServiceName(', field: 'servicName' },
  { file: 'service.ts', from: 'publishNotReadyAddresses: true', to: 'publishNotReadyAdresses: true', field: 'publishNotReadyAdresses' },
  { file: 'config-maps.ts', from: "type: 'Opaque',", to: "typ: 'Opaque',", field: 'typ' },
  { file: 'restore.ts', from: 'initialDelaySeconds: 5', to: 'initialDelaySecond: 5', field: 'initialDelaySecond' },
];

function typeCheckRender(replace: ReadonlyMap<string, string>): readonly ts.Diagnostic[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => replace.get(path.resolve(f)) ?? readFile(f);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = replace.get(path.resolve(f));
    return text === undefined ? getSourceFile(f, lang, onError, create) : ts.createSourceFile(f, text, lang);
  };
  const roots = readdirSync(RENDER).filter((f) => f.endsWith('.ts')).map((f) => path.join(RENDER, f));
  const program = ts.createProgram(roots, options, host);
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file && path.resolve(d.file.fileName).startsWith(RENDER));
}

test('GIVEN a field misspelt in a renderer file WHEN lib/render is type-checked THEN it fails at that field, naming it', () => {
  const replace = new Map<string, string>();
  for (const c of CASES) {
    const file = path.join(RENDER, c.file);
    const text = replace.get(file) ?? readFileSync(file, 'utf8');
    assert.equal(text.split(c.from).length, 2, `${c.file}: "${c.from}" must occur exactly once`);
    replace.set(file, text.replace(c.from, c.to));
  }
  const diagnostics = typeCheckRender(replace);
  for (const c of CASES) {
    const found = diagnostics.filter(
      (d) => path.basename(d.file!.fileName) === c.file && ts.flattenDiagnosticMessageText(d.messageText, '\n').includes(`'${c.field}'`),
    );
    assert.equal(found.length, 1, `${c.file}: no compile error names ${c.field}; got:\n${diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('\n')}`);
    const { line } = found[0]!.file!.getLineAndCharacterOfPosition(found[0]!.start!);
    assert.ok(replace.get(path.join(RENDER, c.file))!.split('\n')[line]!.includes(c.field), `${c.file}: the error points at line ${line + 1}, not at ${c.field}`);
  }
  assert.equal(diagnostics.length, CASES.length, 'one error per misspelling, nothing else');
});
