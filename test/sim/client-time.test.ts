/**
 * Virtual time shared by the simulator and the client under test (sim/client-time.ts; the client only gets a clock,
 * lib/kube/timers.ts, and a tracked KubeConfig, `sim.track`): the
 * clock moves only when nothing but time can make progress, so a timeout never overtakes a request in flight or a
 * watch event on its way to the client, and the client's sleeps, retries and deadlines cost no wall-clock time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { slowLink } from '../support/slow-link';
import { Agent as HttpAgent, createServer as createHttpServer, request as httpRequest } from 'node:http';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { ClientBook, schedulerTimers } from '../../sim/client-time';
import { VirtualScheduler } from '../../sim/scheduler';
import { KubeClient } from '../../lib/kube/client';
import { waitUntil } from '../../lib/kube/wait';
import { StarRocksDrError } from '../../lib/errors';
import { configMap, feStatefulSet, NS, podReady, start } from './helpers';

const realPause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('virtual time: what holds the clock', () => {
  function runningClock(): { scheduler: VirtualScheduler; book: ClientBook } {
    const book = new ClientBook();
    const scheduler = new VirtualScheduler(() => book.idle());
    scheduler.every(100, () => undefined);
    scheduler.run();
    return { scheduler, book };
  }

  it('a tracked request stops it until the server has read it', async () => {
    const { scheduler, book } = runningClock();
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const server = createHttpServer((req, res) => {
      // The simulator calls serverRead when it parses a request; here only once the test lets it.
      void gate.then(() => {
        book.serverRead(req.headers, req.socket);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const agent = book.wrapAgent(new HttpAgent());
      const at = scheduler.now();
      const answered = new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: (server.address() as { port: number }).port, path: '/', agent }, (res) => res.resume().on('end', resolve));
        req.on('error', reject);
        req.end();
      });
      await realPause(30);
      assert.equal(scheduler.now(), at, 'no virtual time passed while the server had not read the request');
      release();
      await answered;
      await realPause(30);
      assert.ok(scheduler.now() > at, 'the clock moved once the request was read and answered');
    } finally {
      scheduler.stop();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('bytes one end of a linked connection wrote and the other has not read stop it; a closed reader reads nothing more', async () => {
    const { scheduler, book } = runningClock();
    try {
      const client = { bytesWritten: 100, bytesRead: 0, destroyed: false };
      const server = { bytesWritten: 0, bytesRead: 60, destroyed: false };
      book.link(client, server);
      assert.equal(book.idle(), false, 'the server has read 60 of the 100 bytes the client wrote');
      server.bytesRead = 100;
      assert.equal(book.idle(), true);
      server.bytesWritten = 5_000; // a watch event, say
      assert.equal(book.idle(), false, 'an event in transit to the client');
      const at = scheduler.now();
      await realPause(30);
      assert.equal(scheduler.now(), at, 'no virtual time passed while it was in transit');
      client.bytesRead = 5_000;
      await realPause(30);
      assert.ok(scheduler.now() > at, 'the clock moved once the client read it');
      server.bytesWritten = 6_000;
      client.destroyed = true; // the client closed the watch: what was still on its way counts for nothing
      assert.equal(book.idle(), true);
    } finally {
      scheduler.stop();
    }
  });

  it('sleep resolves at its virtual time, early on abort; after() can be cancelled', async () => {
    const { scheduler } = runningClock();
    try {
      const timers = schedulerTimers(scheduler, 1_000_000);
      const from = timers.now();
      await timers.sleep(60_000);
      assert.ok(timers.now() - from >= 60_000, 'a minute passed on the virtual clock');
      const abort = new AbortController();
      const sleeping = timers.sleep(3_600_000, abort.signal);
      abort.abort();
      await sleeping;
      let fired = false;
      const cancel = timers.after(500, () => (fired = true));
      cancel();
      await timers.sleep(1000);
      assert.equal(fired, false);
    } finally {
      scheduler.stop();
    }
  });
});

describe('virtual time through the simulator and the real client', () => {
  it("over a slow network, a wait whose deadline is 1 ms after the FE's Ready event ends done, every time; untracked, it times out", async () => {
    // Round 0 finds when (after the wait starts) the Ready event comes; the next rounds replay the same schedule with
    // the deadline 1 ms later. Each chunk takes 20 real ms each way: a clock that moved while the event was on its
    // way fires the timeout first, as the last round shows with the same client on a plain (untracked) KubeConfig.
    let readyAfter = 0;
    for (let round = 0; round < 5; round++) {
      const tracked = round < 4;
      const c = await start({ virtualTime: true, feStartupSeconds: 5 });
      const link = await slowLink(c.sim.port, 20);
      try {
        const kc = new KubeConfig();
        kc.loadFromString(c.sim.kubeConfigYaml().replace(c.sim.url, `http://127.0.0.1:${link.port}`));
        const client = KubeClient.connect({ kubeConfig: tracked ? c.sim.track(kc) : kc, timers: c.sim.timers });
        await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', ...configMap('fe-cm') } as never, 'test');
        await client.apply({ apiVersion: 'apps/v1', kind: 'StatefulSet', ...feStatefulSet('fe') } as never, 'test');
        const waitStart = c.sim.timers!.now();
        const waiting = waitUntil({
          client,
          sources: [{ kind: 'Pod', namespace: NS, fieldSelector: 'metadata.name=fe-0' }],
          check: (view) => (view.objects(0).some((p) => podReady(p)) ? { done: true, value: c.sim.timers!.now() } : { done: false, progress: 'not ready' }),
          timeoutMs: round === 0 ? 10 * 60_000 : readyAfter + 1,
          what: 'fe-0 Ready',
          field: 'Pod/fe-0',
        });
        if (!tracked) {
          await assert.rejects(waiting, (err: unknown) => err instanceof StarRocksDrError && err.code === 'Timeout', 'untracked, the clock ran past the deadline while the event travelled');
          continue;
        }
        const readyAt = await waiting;
        if (round === 0) readyAfter = readyAt - waitStart;
        else assert.equal(readyAt - waitStart, readyAfter, `round ${round}: the same schedule`);
        assert.ok(readyAfter >= 5_000, `ready ${readyAfter} ms after the wait started (the FE answers after 5 s)`);
      } finally {
        await link.close();
        await c.sim.stop();
      }
    }
  });

  it("the client's timeout fires on the virtual clock: a 10-minute wait that cannot end ends, ten virtual minutes later", async () => {
    const c = await start({ virtualTime: true });
    try {
      const client = KubeClient.connect({ kubeConfig: c.kc, timers: c.sim.timers });
      const from = c.sim.timers!.now();
      await assert.rejects(
        waitUntil({ client, sources: [{ kind: 'ConfigMap', namespace: NS }], check: () => ({ done: false, progress: 'never' }), timeoutMs: 10 * 60_000, what: 'nothing', field: 'ConfigMap/none' }),
        (err: unknown) => err instanceof StarRocksDrError && err.code === 'Timeout' && /timed out after 600s/.test(err.message),
      );
      assert.ok(c.sim.timers!.now() - from >= 10 * 60_000, 'ten virtual minutes passed');
    } finally {
      await c.sim.stop();
    }
  });

  it("a watch the client did not name (kubectl, a test's own Watch) does not hold the clock", async () => {
    const c = await start({ virtualTime: true });
    try {
      const seen: string[] = [];
      const plain = new KubeConfig();
      plain.loadFromString(c.sim.kubeConfigYaml());
      const controller = await new Watch(plain).watch(`/api/v1/namespaces/${NS}/configmaps`, {}, (type, obj) => seen.push(`${type} ${obj.metadata.name}`), () => undefined);
      await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('untracked') });
      // The event stays unread by anyone the clock knows of, and the clock goes on.
      const at = c.sim.time!.now();
      while (c.sim.time!.now() <= at + 10_000) await realPause(5);
      controller.abort();
      assert.ok(seen.includes('ADDED untracked'));
    } finally {
      await c.sim.stop();
    }
  });
});
