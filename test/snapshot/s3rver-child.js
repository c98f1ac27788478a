// Runs s3rver under plain Node (tsx's require hook hands koa's `generator-function` an ES module namespace), with
// --openssl-legacy-provider (s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 disables).
// argv: <directory> <bucket>... ; env S3_TEST_KEYS="<access>:<secret>" adds a key pair. Prints the port, then serves
// until stdin closes (the test process ends or calls stop()).
'use strict';
const S3rver = require('s3rver');
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');
const FilesystemStore = require('s3rver/lib/stores/filesystem');

// s3rver 3.7's delimiter listing does not descend into folders nested below a common prefix, so `data/<id>/` is not
// reported when its objects sit deeper (as StarRocks' do). Real S3 reports it: list without the delimiter and fold.
const listObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function (bucket, options) {
  const { delimiter, prefix = '', maxKeys = Infinity } = options;
  if (!delimiter) return listObjects.call(this, bucket, options);
  const all = await listObjects.call(this, bucket, { ...options, delimiter: '', maxKeys: Infinity });
  const objects = [];
  const commonPrefixes = new Set();
  let isTruncated = false;
  for (const o of all.objects) {
    const idx = o.key.slice(prefix.length).indexOf(delimiter);
    const folded = idx === -1 ? undefined : o.key.slice(0, prefix.length + idx + 1);
    if (folded !== undefined && commonPrefixes.has(folded)) continue;
    if (objects.length + commonPrefixes.size >= maxKeys) {
      isTruncated = true;
      break;
    }
    if (folded === undefined) objects.push(o);
    else commonPrefixes.add(folded);
  }
  return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated };
};

const [directory, ...buckets] = process.argv.slice(2);
const [accessKey, secretKey] = (process.env.S3_TEST_KEYS || '').split(':');
if (accessKey && secretKey) DUMMY_ACCOUNT.createKeyPair(accessKey, secretKey);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: process.env.S3_TEST_VERBOSE !== '1',
  directory,
  vhostBuckets: false,
  configureBuckets: buckets.map((name) => ({ name })),
});
server.run().then(({ port }) => process.stdout.write(`${port}\n`));
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
process.stdin.resume();
