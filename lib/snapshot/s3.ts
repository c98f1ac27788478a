/**
 * Listing a storage volume through `@aws-sdk/client-s3`. The SDK is required on first use, so commands that never
 * list (synth without --snapshot) do not load it. S3 failures become one StarRocksDrError with the fix:
 * unreachable endpoint -> Unreachable (exit 4); access denied, bad keys, no such bucket, no credentials ->
 * InvalidInput (exit 2). Messages never quote a key.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { StarRocksDrError } from '../errors';
import type { ListedObject } from './layout';
import type { S3Access } from './storage-volume';

export interface ListingOptions {
  /** Attempts per request (the SDK's retry). @default 3 */
  readonly maxAttempts?: number;
  /** Milliseconds to wait for a TCP connection. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Keys per page (S3 caps it at 1,000). @default 1000 */
  readonly pageSize?: number;
}

/** What the discovery needs from an object store; S3Lister is the real one. */
export interface ObjectLister {
  /** Every object under `prefix` (which ends with '/'), all pages, keys relative to `prefix`. */
  listObjects(bucket: string, prefix: string): Promise<ListedObject[]>;
  /** The folder names directly under `prefix` (which ends with '/' or is ''), all pages. */
  listFolders(bucket: string, prefix: string): Promise<string[]>;
}

/** `aws.s3.endpoint` as StarRocks takes it (`host[:port]` or a URL) -> a URL for the SDK. */
export function endpointUrl(endpoint: string, enableSsl = true): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `${enableSsl ? 'https' : 'http'}://${endpoint}`;
}

/** Is `endpoint` AWS's own (virtual-hosted style works there; elsewhere path style is the safe default)? */
function isAwsEndpoint(endpoint: string | undefined): boolean {
  return endpoint === undefined || /(^|\.|\/\/)amazonaws\.com(\.cn)?(:\d+)?\/?$/.test(endpoint);
}

export class S3Lister implements ObjectLister {
  private client?: S3Client;

  constructor(
    readonly access: S3Access,
    private readonly opts: ListingOptions = {},
  ) {}

  private sdk(): S3Client {
    if (this.client) return this.client;
    // The pinned SDK supports Node 20 (package.json engines); its notice that later SDK releases will not would be
    // printed on every run, so it is off unless the user set the variable.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // Loaded here, on first use: the SDK adds hundreds of milliseconds to any command that imports it.
    const { S3Client: Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
    const a = this.access;
    const config: S3ClientConfig = {
      // The SDK refuses to sign without a region; S3-compatible stores accept any.
      region: a.region || 'us-east-1',
      forcePathStyle: a.pathStyle ?? !isAwsEndpoint(a.endpoint),
      maxAttempts: this.opts.maxAttempts ?? 3,
      // Listing needs no payload checksums, and S3-compatible stores may reject the headers newer SDKs add.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: this.opts.connectTimeoutMs ?? 5000, requestTimeout: 60_000 },
    };
    if (a.endpoint) config.endpoint = endpointUrl(a.endpoint, a.enableSsl ?? true);
    if (a.keys) config.credentials = { accessKeyId: a.keys.accessKey, secretAccessKey: a.keys.secretKey };
    this.client = new Client(config);
    return this.client;
  }

  async listObjects(bucket: string, prefix: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    await this.pages(bucket, prefix, undefined, (page) => {
      for (const o of page.Contents ?? []) {
        if (o.Key && o.Key.startsWith(prefix)) out.push({ key: o.Key.slice(prefix.length), lastModifiedMs: o.LastModified?.getTime() });
      }
    });
    return out;
  }

  async listFolders(bucket: string, prefix: string): Promise<string[]> {
    const out: string[] = [];
    await this.pages(bucket, prefix, '/', (page) => {
      for (const p of page.CommonPrefixes ?? []) {
        const name = p.Prefix?.slice(prefix.length).replace(/\/$/, '');
        if (name) out.push(name);
      }
    });
    return out;
  }

  private async pages(
    bucket: string,
    prefix: string,
    delimiter: string | undefined,
    each: (page: import('@aws-sdk/client-s3').ListObjectsV2CommandOutput) => void,
  ): Promise<void> {
    const { ListObjectsV2Command } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
    let token: string | undefined;
    do {
      let page: import('@aws-sdk/client-s3').ListObjectsV2CommandOutput;
      try {
        page = await this.sdk().send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token, MaxKeys: this.opts.pageSize ?? 1000 }),
        );
      } catch (err) {
        throw s3Error(err, this.access, bucket);
      }
      each(page);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Closes the SDK's connection pool so the process can exit. */
  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

function networkCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown; errors?: unknown[]; name?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === 'TimeoutError') return 'timeout';
    if (Array.isArray(e.errors)) {
      const inner = e.errors.map(networkCode).find((c) => c !== undefined);
      if (inner) return inner;
    }
    e = e.cause as typeof e;
  }
  return undefined;
}

/** One StarRocksDrError for an SDK failure; names the bucket, endpoint and credential source, never a key. */
export function s3Error(err: unknown, access: S3Access, bucket: string): StarRocksDrError {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.Code ?? e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const where = `${access.endpoint ? `endpoint ${access.endpoint}` : 'AWS S3'}${access.region ? ` (region ${access.region})` : ''}`;
  const field = `s3://${bucket} at ${where}`;
  const net = networkCode(err);
  if (net) {
    return new StarRocksDrError('Unreachable', `cannot reach the S3 endpoint (${net})`, {
      field,
      fix: 'check the endpoint (--endpoint or aws.s3.endpoint, with http:// for a plain-HTTP store), the network path from here to it, and --region; then rerun',
      cause: err,
    });
  }
  if (name === 'NoSuchBucket') {
    return new StarRocksDrError('InvalidInput', 'no such bucket', {
      field,
      fix: 'check the bucket in --location (or the storage volume location) and the endpoint/region it lives in',
      cause: err,
    });
  }
  if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AllAccessDisabled', 'InvalidToken', 'ExpiredToken', 'Forbidden'].includes(name) || status === 403) {
    return new StarRocksDrError('InvalidInput', `access denied (${name}) with the credentials from ${access.keys ? access.source : 'the AWS SDK default chain'}`, {
      field,
      fix: access.keys
        ? 'check the access/secret key pair and that it may s3:ListBucket on the bucket (and the prefix), or name other keys with --s3-secret'
        : 'give credentials that may s3:ListBucket: AWS_PROFILE / AWS_ACCESS_KEY_ID+AWS_SECRET_ACCESS_KEY / an IAM role, or --s3-secret, or -f values whose storage volume has keys',
      cause: err,
    });
  }
  if (name === 'CredentialsProviderError' || /credential/i.test(name)) {
    return new StarRocksDrError('InvalidInput', 'no S3 credentials found in the AWS SDK default chain', {
      field,
      fix: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run where an IAM role applies, or pass --s3-secret or -f values whose storage volume has keys',
      cause: err,
    });
  }
  return new StarRocksDrError('InvalidInput', `S3 refused the listing (${name}${status ? `, HTTP ${status}` : ''})`, {
    field,
    fix: 'check the endpoint, region, path style (--path-style for S3-compatible stores) and credentials',
    cause: err,
  });
}
