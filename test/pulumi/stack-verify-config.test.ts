/**
 * Pulumi config `verify`, `feAddress`, `sqlUser`, `passwordSecret` (lib/pulumi/stack-config.ts `readVerification`):
 * the CLI's `--verify`, `--verify-sql` / `--expect`, `--fe-address`, `--user`, `--password-secret`, with the same
 * refusal of a statement that is not one read-only statement, naming the config key.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as pulumi from '@pulumi/pulumi';
import { readVerification } from '../../lib/pulumi/stack-config';

/** Config as `pulumi config set` leaves it: text, objects as JSON text (what pulumi.Config.get/getObject read). */
function config(values: Record<string, string>): pulumi.Config {
  return {
    get: (k: string) => values[k],
    getObject: (k: string) => (values[k] === undefined ? undefined : JSON.parse(values[k])),
  } as unknown as pulumi.Config;
}

describe('Pulumi config verify', () => {
  it('unset or checks: verify with the defaults; none: skip', () => {
    assert.deepEqual(readVerification(config({})), {});
    assert.deepEqual(readVerification(config({ verify: 'checks' })), {});
    assert.deepEqual(readVerification(config({ verify: 'none' })), { verify: 'none' });
  });

  it("a list of {sql, expect} is the user's checks; how to reach the FE comes along", () => {
    const v = readVerification(config({ verify: '[{"sql":"SELECT COUNT(*) FROM quickstart.source_wiki_edit","expect":3}]', feAddress: '10.0.0.5:9030', passwordSecret: 'kube-starrocks-credential' }));
    assert.deepEqual(v, { feAddress: '10.0.0.5:9030', passwordSecret: 'kube-starrocks-credential', userChecks: [{ sql: 'SELECT COUNT(*) FROM quickstart.source_wiki_edit', expect: '3' }] });
  });

  it('a statement that writes, or a value that is no list of checks, is refused naming config verify', () => {
    assert.throws(() => readVerification(config({ verify: '[{"sql":"DROP TABLE quickstart.source_wiki_edit","expect":0}]' })), /config verify: .*refused/);
    assert.throws(() => readVerification(config({ verify: '"sometimes"' })), /config verify: must be none, checks, or a list of \{sql, expect\}.*pulumi config set verify none/);
  });
});
