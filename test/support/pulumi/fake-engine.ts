import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import * as engrpc from '@pulumi/pulumi/proto/engine_grpc_pb';
import * as engproto from '@pulumi/pulumi/proto/engine_pb';

export type LogSeverity = 'debug' | 'info' | 'warning' | 'error';

/** One `Engine.Log` call received by the fake engine. */
export interface EngineLogEntry {
  readonly severity: LogSeverity;
  readonly message: string;
  readonly urn: string;
  readonly streamId: number;
  readonly ephemeral: boolean;
}

/** A minimal in-process Pulumi engine gRPC server: it records Log calls and keeps the root resource URN. */
export interface FakeEngine {
  /** `127.0.0.1:<port>`, the argument a plugin receives. */
  readonly address: string;
  /** Every Log call, in arrival order. */
  readonly logs: readonly EngineLogEntry[];
  stop(): Promise<void>;
}

const severities: Record<number, LogSeverity> = {
  [engproto.LogSeverity.DEBUG]: 'debug',
  [engproto.LogSeverity.INFO]: 'info',
  [engproto.LogSeverity.WARNING]: 'warning',
  [engproto.LogSeverity.ERROR]: 'error',
};

/** `onLog` is called after each Log call is recorded (the harness waits on it). */
export async function startFakeEngine(onLog?: (entry: EngineLogEntry) => void): Promise<FakeEngine> {
  const logs: EngineLogEntry[] = [];
  let rootUrn = '';
  const server = new grpc.Server();
  const impl: engrpc.IEngineServer = {
    log(call, cb) {
      const r = call.request;
      const entry: EngineLogEntry = {
        severity: severities[r.getSeverity()] ?? 'info',
        message: r.getMessage(),
        urn: r.getUrn(),
        streamId: r.getStreamid(),
        ephemeral: r.getEphemeral(),
      };
      logs.push(entry);
      onLog?.(entry);
      cb(null, new Empty());
    },
    getRootResource(_call, cb) {
      cb(null, new engproto.GetRootResourceResponse().setUrn(rootUrn));
    },
    setRootResource(call, cb) {
      rootUrn = call.request.getUrn();
      cb(null, new engproto.SetRootResourceResponse());
    },
    startDebugging(_call, cb) {
      cb(null, new Empty());
    },
    requirePulumiVersion(_call, cb) {
      cb(null, new engproto.RequirePulumiVersionResponse());
    },
  };
  server.addService(engrpc.EngineService, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
