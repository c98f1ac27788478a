#!/usr/bin/env node
// Installs moto, pinned by requirements.txt, into a Python virtual environment in the cache (moto.js), reusing one
// that is already there. Only `python3 -m venv` and pip from PyPI run; nothing is installed outside that folder, so
// the machine's own Python packages (whatever moto they hold) never mix with the pinned set.
//   node tools/moto/install.js            install when missing (silent when present)
//   node tools/moto/install.js --status   say what is installed and where
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { REQUIREMENTS, basePython, motoVersion, pythonVersion, motoDir, installedManifest } = require('./moto');

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' } });
}

function install() {
  const dir = motoDir();
  const version = pythonVersion();
  if (version && installedManifest()?.python === version) return { dir, reused: true };
  if (!version) throw new Error(`no Python interpreter: \`${basePython()}\` did not run. Fix: install Python 3.10 or later, or set STARROCKS_DR_PYTHON to one`);
  const [major, minor] = version.split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 10)) throw new Error(`${basePython()} is Python ${version.split(' ')[0]}; moto ${motoVersion()} needs 3.10 or later. Fix: set STARROCKS_DR_PYTHON to a newer one`);
  const staging = `${dir}.partial-${process.pid}`;
  const started = Date.now();
  process.stderr.write(`moto: installing moto ${motoVersion()} (tools/moto/requirements.txt) into ${dir} ...\n`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    run(basePython(), ['-m', 'venv', staging]);
    const python = path.join(staging, 'bin', 'python');
    run(python, ['-m', 'pip', 'install', '--quiet', '--progress-bar', 'off', '-r', REQUIREMENTS]);
    const check = spawnSync(python, ['-m', 'pip', 'check'], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`pip check found broken requirements:\n${check.stdout}${check.stderr}`);
    const imported = execFileSync(python, ['-c', 'import moto, moto.server; print(moto.__version__)'], { encoding: 'utf8' }).trim();
    if (imported !== motoVersion()) throw new Error(`the environment imports moto ${imported}, not ${motoVersion()}`);
    const packages = execFileSync(python, ['-m', 'pip', 'freeze'], { encoding: 'utf8' }).trim().split('\n');
    const manifest = { moto: imported, python: version, seconds: Math.round((Date.now() - started) / 100) / 10, installedAt: new Date().toISOString(), packages };
    fs.writeFileSync(path.join(staging, 'moto.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  // The manifest appears with the folder: a half-installed environment is never used. Only bin/python is run from
  // it (`python -m ...`), which a renamed venv keeps working; its console scripts name the staging path.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return { dir, reused: false, seconds: (Date.now() - started) / 1000 };
}

function main() {
  if (process.argv.includes('--status')) {
    const m = installedManifest();
    console.log(`moto ${motoVersion()}: ${m ? `installed in ${m.seconds}s for Python ${m.python.split(' ')[0]}` : 'not installed'}\n  ${motoDir()}`);
    return;
  }
  const r = install();
  if (!r.reused) process.stderr.write(`moto: installed in ${r.seconds.toFixed(1)} s\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`moto: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
