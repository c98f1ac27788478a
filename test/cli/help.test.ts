/** `--help` says what each command does: flags described as they act there, names shared between commands. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../lib/cli/main';

function command(path: string[]): Command {
  let cmd: Command = buildProgram();
  for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
  assert.ok(cmd, path.join(' '));
  return cmd;
}
const option = (path: string[], long: string) => command(path).options.find((o) => o.long === long);

describe('help texts', () => {
  it('dr status and dr wait do not claim to apply what --operator-version renders; dr run does', () => {
    assert.match(option(['dr', 'run'], '--operator-version')!.description, /^apply what/);
    for (const c of ['status', 'wait']) {
      const d = option(['dr', c], '--operator-version')!.description;
      assert.doesNotMatch(d, /apply what/, c);
      assert.match(d, /nothing is applied/, c);
    }
  });
  it('snapshot list and latest describe -n for what they do (no Secret is written); file says it writes one', () => {
    for (const c of ['list', 'latest']) assert.doesNotMatch(option(['snapshot', c], '--namespace')!.description, /Secret written/, c);
    assert.match(option(['snapshot', 'file'], '--namespace')!.description, /Secret written/);
  });
  it('demo and sim name the FE restore time alike', () => {
    assert.ok(option(['demo'], '--fe-restore-seconds'));
    assert.ok(option(['sim'], '--fe-restore-seconds'));
    assert.equal(option(['demo'], '--restore-seconds')?.hidden, true, 'the old name is a hidden alias');
  });
  it('--version is an option of the program; -o json says NDJSON', () => {
    assert.ok(buildProgram().options.some((o) => o.long === '--version'));
    assert.match(option(['dr', 'run'], '--output')!.description, /NDJSON/);
  });
});
