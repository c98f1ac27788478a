import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { progressPrinter } from '../../lib/cli/progress';
import { parseDuration } from '../../lib/cli/durations';
import type { DisasterRecoveryStatus } from '../../lib/dr/status';

function fakeStream(tty: boolean) {
  const writes: string[] = [];
  const stream = {
    isTTY: tty,
    columns: 80,
    write: (s: string) => writes.push(s),
    clearLine: () => writes.push('<clear>'),
    cursorTo: () => writes.push('<col0>'),
  };
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
}

const status = (phase: DisasterRecoveryStatus['phase'], reason: string, conditions: DisasterRecoveryStatus['conditions'] = []): DisasterRecoveryStatus => ({
  phase,
  reason,
  observedGeneration: 1,
  startTimestamp: 1,
  conditions,
});

describe('progress output', () => {
  it('off a terminal: plain timestamped lines, one per phase/reason change', () => {
    const { stream, writes } = fakeStream(false);
    const print = progressPrinter(stream, Date.now());
    print({ type: 'status', status: status('doing', 'disaster recovery is in progress') });
    print({ type: 'status', status: status('doing', 'disaster recovery is in progress', [{ type: 'FeRestored', status: 'False', reason: 'Restoring', message: 'm', lastTransitionTime: 't' }]) });
    print({ type: 'waiting', message: 'pod kube-starrocks-fe-0 container fe is running' });
    print({ type: 'status', status: status('done', 'disaster recovery is done') });
    print.close();
    assert.equal(writes.length, 3);
    assert.ok(writes.every((w) => /^\d{4}-\d\d-\d\dT.*\n$/.test(w)), 'each write is one timestamped line');
    assert.match(writes[0], /\[doing \d+s\] doing: disaster recovery is in progress \(generation 1\)/);
    assert.match(writes[1], /pod kube-starrocks-fe-0/);
    assert.match(writes[2], /\[done \d+s\] done: disaster recovery is done/);
  });

  it('on a terminal: waiting messages rewrite one line, status changes start a new one', () => {
    const { stream, writes } = fakeStream(true);
    const print = progressPrinter(stream, Date.now());
    print({ type: 'waiting', message: 'first' });
    print({ type: 'waiting', message: 'second' });
    print.close();
    assert.deepEqual(writes.filter((w) => w === '<clear>').length, 2, 'the line is cleared before each rewrite');
    assert.ok(!writes.slice(0, -1).some((w) => w.endsWith('\n')), 'no newline between rewrites');
    assert.equal(writes[writes.length - 1], '\n', 'close ends the line');
  });
});

describe('--timeout durations', () => {
  it('reads seconds, units and combinations', () => {
    assert.equal(parseDuration('90'), 90_000);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('500ms'), 500);
  });
  it('refuses what is not a duration, with the accepted forms', () => {
    for (const bad of ['', 'soon', '10x', '1h30', '0s']) assert.throws(() => parseDuration(bad), /not a duration; use e\.g\. 90s, 15m or 1h30m/);
  });

  it('counts from the recorded startTimestamp once a status is seen, and prints notices as notices', () => {
    const { stream, writes } = fakeStream(false);
    const print = progressPrinter(stream, Date.now());
    const started = Math.floor(Date.now() / 1000) - 24;
    print({ type: 'status', status: { ...status('doing', 'disaster recovery is in progress'), startTimestamp: started } });
    print({ type: 'notice', message: 'generation 1 was restored' });
    print.close();
    assert.match(writes[0], /\[doing 2[45]s\] doing:/, 'a resumed run goes on from the 24 s the record says');
    assert.equal(writes[1], 'notice: generation 1 was restored\n');
  });
});
