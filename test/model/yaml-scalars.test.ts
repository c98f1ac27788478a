/**
 * Plain YAML scalars in values files read as Helm reads them. Expected columns come from go-yaml v2 resolve.go
 * (github.com/go-yaml/yaml branch v2, commit 7649d4548cb5: the hint table lines 20-30, the map lines 32-49,
 * resolve() lines 86-197), decode.go line 474 (a timestamp decoded into interface{} stays the string),
 * sigs.k8s.io/yaml (YAML -> JSON -> map[string]interface{}: every number a float64; NaN/Inf fail json.Marshal),
 * and Go's fmt %v for float64 (strconv 'g', shortest: exponent form when exp < -4 || exp >= 6).
 * Helm prints a nil value as '' (its engine replaces "<no value>").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StarRocksDrError } from '../../lib/errors';
import { loadValuesTexts } from '../../lib/model';
import { helmPrintNumber, resolveGoYamlScalar } from '../../lib/model/values/go-yaml';
import { parseValuesText } from '../../lib/model/values/parse';
import { renderCluster } from '../../lib/render/cluster';

/** [plain scalar, go-yaml v2 tag, value Helm holds after JSON, what `{{ .Values.x }}` prints] */
const TABLE: Array<[string, string, string | number | boolean | null, string]> = [
  ['E12', '!!str', 'E12', 'E12'], // 'E' has no hint: a string, never NaN
  ['1e3', '!!float', 1000, '1000'],
  ['0x1F', '!!int', 31, '31'],
  ['0o17', '!!int', 15, '15'], // Go's ParseInt base 0 knows 0o
  ['017', '!!int', 15, '15'], // and a leading 0 is octal
  ['08', '!!float', 8, '8'], // not octal, so ParseInt fails; yamlStyleFloat takes it
  ['.5', '!!float', 0.5, '0.5'],
  ['+.5', '!!float', 0.5, '0.5'],
  ['+1', '!!int', 1, '1'],
  ['-0x1F', '!!int', -31, '-31'],
  ['0b101', '!!int', 5, '5'],
  ['1_000', '!!int', 1000, '1000'], // underscores removed before parsing
  ['1000000', '!!int', 1000000, '1e+06'], // the float64 that Helm prints in exponent form
  ['0.00001', '!!float', 0.00001, '1e-05'],
  ['9223372036854775807', '!!int', 9223372036854775807, '9.223372036854776e+18'],
  ['18446744073709551615', '!!int', 18446744073709551615, '1.8446744073709552e+19'], // ParseUint
  ['1e400', '!!str', '1e400', '1e400'], // ParseFloat overflows: an error there, so a string
  ['yes', '!!bool', true, 'true'],
  ['on', '!!bool', true, 'true'],
  ['Y', '!!bool', true, 'true'],
  ['n', '!!bool', false, 'false'],
  ['OFF', '!!bool', false, 'false'],
  ['~', '!!null', null, ''],
  ['Null', '!!null', null, ''],
  ['2001-12-14', '!!timestamp', '2001-12-14', '2001-12-14'],
  ['2001-12-14T21:59:43.10Z', '!!timestamp', '2001-12-14T21:59:43.10Z', '2001-12-14T21:59:43.10Z'],
  ['12:30:00', '!!str', '12:30:00', '12:30:00'], // no base-60 in go-yaml v2
  ['1.2.3', '!!str', '1.2.3', '1.2.3'],
  ['0x', '!!str', '0x', '0x'],
  ['+', '!!str', '+', '+'],
  ['.', '!!str', '.', '.'],
  ['yess', '!!str', 'yess', 'yess'],
];

function helmPrint(v: unknown): string {
  if (v === null) return '';
  return typeof v === 'number' ? helmPrintNumber(v) : String(v);
}

describe('plain scalars resolve as Helm (go-yaml v2 + sigs.k8s.io/yaml) resolves them', () => {
  for (const [text, tag, value, printed] of TABLE) {
    it(`${text} -> ${tag} ${JSON.stringify(value)}, printed ${JSON.stringify(printed)}`, () => {
      const resolved = resolveGoYamlScalar(text);
      const kindOfTag: Record<string, string> = { '!!str': 'str', '!!timestamp': 'str', '!!int': 'int', '!!float': 'float', '!!bool': 'bool', '!!null': 'null' };
      assert.equal(resolved.kind, kindOfTag[tag]);
      const tree = parseValuesText('v.yaml', `x: ${text}\nlist: [${text}]\n`).tree;
      assert.deepEqual(tree.x, value);
      assert.deepEqual(tree.list, [value]);
      assert.equal(helmPrint(tree.x), printed);
    });
  }

  it('quoted and block scalars are always strings', () => {
    const tree = parseValuesText('v.yaml', 'a: "0x1F"\nb: \'yes\'\nc: |\n  E12\nd: !!str 017\n').tree;
    assert.deepEqual(tree, { a: '0x1F', b: 'yes', c: 'E12\n', d: '017' });
  });

  it('keys resolve too, and reach the tree as JSON keys would (yes: -> "true", 0x10: -> "16")', () => {
    const tree = parseValuesText('v.yaml', 'yes: 1\n0x10: 2\nE12: 3\n').tree;
    assert.deepEqual(Object.keys(tree).sort(), ['16', 'E12', 'true']);
  });

  it('aliases and merge keys still work, with the resolved values', () => {
    const tree = parseValuesText('v.yaml', 'base: &b {port: 0x1F, on: on}\ncopy: *b\nmerged:\n  <<: *b\n  extra: E12\n').tree;
    assert.deepEqual(tree.copy, { port: 31, true: true });
    assert.deepEqual(tree.merged, { port: 31, true: true, extra: 'E12' });
  });

  for (const text of ['.inf', '-.Inf', '+.INF', '.NaN']) {
    it(`${text} is refused as Helm refuses it (JSON has no NaN/Infinity), naming the file, key path and line`, () => {
      assert.throws(
        () => parseValuesText('v.yaml', `a:\n  b:\n    - c: ${text}\n`),
        (err: unknown) => err instanceof StarRocksDrError && err.code === 'InvalidInput' && err.file === 'v.yaml' && err.field === 'a.b[0].c' && /line 3: .*Helm/.test(err.message),
      );
    });
  }

  it('password: E12 reaches the rendered Secret as the text E12 (it was NaN)', () => {
    const { spec } = loadValuesTexts([{ file: 'v.yaml', text: 'starrocks:\n  secrets:\n    - name: init\n      data:\n        password: E12\n' }]);
    assert.equal(spec.secrets?.[0]?.data.password, 'E12');
    const secret = renderCluster(spec, { namespace: 'sr' }).find((o) => o.kind === 'Secret' && o.metadata.name === 'init') as { data?: Record<string, string> } | undefined;
    assert.equal(Buffer.from(secret?.data?.password ?? '', 'base64').toString('utf8'), 'E12');
  });
});
