/**
 * The Go behaviours we reproduce, checked against the operator's own test vectors
 * (`pkg/common/hash/hash_test.go`, `pkg/common/resource_utils/service_test.go`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goJsonString } from '../../lib/render/go-compat';
import { configHash, mountVolumeName, serviceResourceHash } from '../../lib/render/hashes';
import { createHash } from 'node:crypto';

test('mount volume names use the first 4 digits of the operator hash of MountInfo (hash_test.go vectors)', () => {
  // hash_test.go: MountInfo{test,/my/path} -> 1417214019; {s1,/pkg/mounts/volumes1} -> 1614698443; {s2,...2} -> 122981513
  assert.equal(mountVolumeName({ name: 'test', mountPath: '/my/path' }), 'test-1417');
  assert.equal(mountVolumeName({ name: 's1', mountPath: '/pkg/mounts/volumes1' }), 's1-1614');
  assert.equal(mountVolumeName({ name: 's2', mountPath: '/pkg/mounts/volumes2' }), 's2-1229');
});

test('external Service hash equals the operator test vectors (service_test.go)', () => {
  const ports = (names: string[], nums: number[], mysqlAt = -1) =>
    names.map((name, i) => ({ name, protocol: 'TCP', port: nums[i], targetPort: nums[i], appProtocol: i === mysqlAt ? 'mysql' : undefined }));
  const labels = { starrocks_default_label: 'test', user_supplied_label: 'test' };
  const base = { namespace: 'default', selector: {}, type: 'LoadBalancer', annotations: {} };
  assert.equal(
    serviceResourceHash({ ...base, name: 'test-fe-service', labels, ports: ports(['http', 'rpc', 'query', 'edit-log'], [8030, 9020, 9030, 9010], 2) }),
    '2323011486',
  );
  assert.equal(
    serviceResourceHash({ ...base, name: 'test-be-service', labels, ports: ports(['be', 'webserver', 'heartbeat', 'brpc'], [9060, 8040, 9050, 8060]) }),
    '2811174334',
  );
  assert.equal(
    serviceResourceHash({ ...base, name: 'test-cn-service', labels, ports: ports(['thrift', 'webserver', 'heartbeat', 'brpc'], [9060, 8040, 9050, 8060]) }),
    '4173513860',
  );
  assert.equal(
    serviceResourceHash({ ...base, name: 'test-warehouse-cn-service', labels: {}, ports: ports(['thrift', 'webserver', 'heartbeat', 'brpc'], [9060, 8040, 9050, 8060]) }),
    '2811429284',
  );
});

test('Go JSON string encoding escapes HTML characters and line separators like encoding/json', () => {
  assert.equal(goJsonString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goJsonString('x\u2028y\u2029'), '"x\\u2028y\\u2029"');
  assert.equal(goJsonString('q"\\\n\t\u0001'), '"q\\"\\\\\\n\\t\\u0001"');
  assert.equal(goJsonString('plain = 1'), '"plain = 1"');
});

test('the chart config hash is sha256(toJson(config))[:8], or no-config', () => {
  const conf = 'query_port = 9030\n';
  assert.equal(configHash(conf), createHash('sha256').update('"query_port = 9030\\n"').digest('hex').slice(0, 8));
  assert.equal(configHash(undefined), 'no-config');
  assert.equal(configHash(''), 'no-config');
});
