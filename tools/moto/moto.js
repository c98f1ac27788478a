// Where the S3 tests' server lives: moto (the AWS service mock from PyPI, Apache-2.0) in a Python virtual environment
// in the cache beside the Go components (tools/components/components.js), keyed by moto's version and a hash of
// requirements.txt. install.js creates it (and creates it anew when the interpreter it was made from changed); the S3
// tests' helper (test/snapshot/s3-server.ts) only looks, without starting Python, and names the command that installs
// it when it is missing.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { cacheRoot } = require('../components/components');

const HERE = __dirname;
const REQUIREMENTS = path.join(HERE, 'requirements.txt');

/** The interpreter that runs moto: $STARROCKS_DR_PYTHON, else python3 on PATH (moto 5.2 needs Python 3.10+). */
function basePython() {
  return process.env.STARROCKS_DR_PYTHON || 'python3';
}

/** moto's pinned version, from requirements.txt. */
function motoVersion() {
  const m = /^moto(?:\[[^\]]*\])?==(\S+)/m.exec(fs.readFileSync(REQUIREMENTS, 'utf8'));
  if (!m) throw new Error(`${REQUIREMENTS} does not pin moto (a line moto[s3]==<version>)`);
  return m[1];
}

let pythonVersionCache;
/** `sys.version` of the base interpreter, or undefined when there is none (a venv belongs to the one it was made from). */
function pythonVersion() {
  if (pythonVersionCache === undefined) {
    const r = spawnSync(basePython(), ['-c', 'import sys; print(sys.version)'], { encoding: 'utf8' });
    pythonVersionCache = r.status === 0 ? r.stdout.trim() : null;
  }
  return pythonVersionCache ?? undefined;
}

/** The environment's folder: $STARROCKS_DR_COMPONENTS/moto-<version>-<hash of requirements.txt>. */
function motoDir() {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(REQUIREMENTS));
  return path.join(cacheRoot(), `moto-${motoVersion()}-${hash.digest('hex').slice(0, 10)}`);
}

/** The installed environment's manifest, or undefined when it is not installed (for these requirements). */
function installedManifest() {
  try {
    return JSON.parse(fs.readFileSync(path.join(motoDir(), 'moto.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The environment's interpreter (moto importable), or undefined when it is not installed. */
function motoPython() {
  if (!installedManifest()) return undefined;
  const python = path.join(motoDir(), 'bin', 'python');
  return fs.existsSync(python) ? python : undefined;
}

module.exports = { HERE, REQUIREMENTS, basePython, motoVersion, pythonVersion, motoDir, installedManifest, motoPython };
