/**
 * The comparison app for the cold synth benchmark: a plain cdk8s-plus-28 app with the same object count as the
 * reference cluster (per copy: 2 ConfigMaps, 4 Services, 2 StatefulSets, like the operator's FE and CN), written
 * with cdk8s-plus's own high-level constructs. It does not try to match the operator's objects; it is the cost of
 * "just using cdk8s-plus" for the same number of objects.
 *
 * Usage: npx tsx bench/cdk8s-plus-app.ts [outdir] [copies]
 */
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

class Component extends Construct {
  constructor(scope: Construct, id: string, name: string, port: number) {
    super(scope, id);
    const config = new kplus.ConfigMap(this, 'Config', { metadata: { name: `${name}-cm` }, data: { [`${id}.conf`]: `http_port = ${port}\n` } });
    const headless = new kplus.Service(this, 'Search', {
      metadata: { name: `${name}-search` },
      clusterIP: 'None',
      ports: [{ name: 'query', port: port + 1000, targetPort: port + 1000 }],
    });
    const sts = new kplus.StatefulSet(this, 'Set', {
      metadata: { name },
      service: headless,
      replicas: 3,
      containers: [
        {
          name: id,
          image: 'starrocks/fe-ubuntu:3.3-latest',
          ports: [{ number: port, name: 'http' }, { number: port + 1000, name: 'query' }],
          envVariables: { TZ: kplus.EnvValue.fromValue('UTC') },
          resources: { cpu: { request: kplus.Cpu.millis(1000), limit: kplus.Cpu.millis(2000) }, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(4) } },
          readiness: kplus.Probe.fromTcpSocket({ port: port + 1000 }),
          volumeMounts: [{ path: '/opt/starrocks/conf', volume: kplus.Volume.fromConfigMap(this, 'ConfigVolume', config) }],
        },
      ],
    });
    new kplus.Service(this, 'Service', {
      metadata: { name: `${name}-service` },
      selector: sts,
      ports: [{ name: 'http', port, targetPort: port }],
    });
  }
}

export class PlainChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new Component(this, 'fe', `${id}-fe`, 8030);
    new Component(this, 'cn', `${id}-cn`, 8040);
  }
}

if (require.main === module) {
  const outdir = process.argv[2] ?? 'cdk8s.out';
  const copies = Number(process.argv[3] ?? 1);
  const app = new App({ outdir });
  for (let i = 0; i < copies; i++) new PlainChart(app, copies === 1 ? 'plain' : `plain-${String(i + 1).padStart(4, '0')}`);
  app.synth();
  process.stdout.write(`${app.charts.reduce((n, c) => n + c.toJson().length, 0)} objects\n`);
}
