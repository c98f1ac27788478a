#!/usr/bin/env node
// Builds the real components (etcd, Kubernetes, kwok, Helm, Pulumi and its Node.js host and Kubernetes provider)
// from their Go modules into the cache (components.js), reusing a build that is already there.
//   node tools/components/build.js              build every component that is missing
//   node tools/components/build.js kubernetes   build one (or several)
//   node tools/components/build.js --status     say what is built, where, and how big
// Only `go build` (and the provider's own `go generate` step) runs; modules come from the Go module proxy.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { COMPONENTS, byName, componentDir, componentVersion, builtManifest, goVersion, HERE } = require('./components');

function run(cmd, args, opts) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

// `go mod download -json`, not `go list -m`: on a cold module cache `go list -m` names the module without a Dir.
function moduleDir(modulePath, cwd) {
  const version = execFileSync('go', ['list', '-m', '-f', '{{.Version}}', modulePath], { cwd, encoding: 'utf8' }).trim();
  const out = execFileSync('go', ['mod', 'download', '-json', `${modulePath}@${version}`], { cwd, encoding: 'utf8' });
  const dir = JSON.parse(out).Dir;
  if (!dir) throw new Error(`go mod download gave no folder for ${modulePath}@${version}`);
  return dir;
}

function build(component) {
  const dir = componentDir(component);
  if (builtManifest(component.name)) return { component, dir, reused: true };
  const version = componentVersion(component);
  const moduleHome = path.join(HERE, component.name);
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.join(staging, 'bin'), { recursive: true });
  const ldflags = ['-s', '-w', ...component.versionFlags(version)].join(' ');
  const started = Date.now();
  process.stderr.write(`components: building ${component.name} ${version} ...\n`);
  const env = { ...process.env, GOFLAGS: '-buildvcs=false -mod=readonly' };
  if (component.generate) {
    // Upstream's command folder, copied beside our go.mod/go.sum, generated and built there (the module cache is
    // read-only, and the embedded schema does not exist until `go generate` writes it).
    const [binary, pkg] = Object.entries(component.binaries)[0];
    const upstream = path.join(moduleDir(component.module, moduleHome), pkg.slice(component.module.length + 1));
    const src = path.join(staging, 'src');
    fs.mkdirSync(src);
    for (const f of ['go.mod', 'go.sum']) fs.copyFileSync(path.join(moduleHome, f), path.join(src, f));
    const cmd = path.join(src, 'cmd');
    fs.cpSync(upstream, cmd, { recursive: true });
    for (const f of fs.readdirSync(cmd)) fs.chmodSync(path.join(cmd, f), 0o644);
    run('go', ['run', './generate.go'], { cwd: cmd, env: { ...env, VERSION: /-X \S+=(\S+)/.exec(ldflags)[1] } });
    run('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', path.join(staging, 'bin', binary), '.'], { cwd: cmd, env });
    fs.rmSync(src, { recursive: true, force: true });
  } else {
    run('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', path.join(staging, 'bin') + path.sep, ...Object.values(component.binaries)], { cwd: moduleHome, env });
    // `go build -o dir/` names each binary after its package's last element; rename to the names we want.
    for (const [binary, pkg] of Object.entries(component.binaries)) {
      const built = path.join(staging, 'bin', path.basename(pkg).replace(/^v\d+$/, path.basename(path.dirname(pkg))));
      const want = path.join(staging, 'bin', binary);
      if (built !== want && fs.existsSync(built)) fs.renameSync(built, want);
    }
  }
  for (const file of component.files ?? []) {
    const from = path.join(moduleDir(file.module, moduleHome), file.from);
    const to = path.join(staging, 'bin', path.basename(file.from));
    fs.copyFileSync(from, to);
    fs.chmodSync(to, 0o755);
  }
  const binaries = {};
  for (const f of fs.readdirSync(path.join(staging, 'bin'))) binaries[f] = fs.statSync(path.join(staging, 'bin', f)).size;
  for (const binary of Object.keys(component.binaries)) {
    if (!(binary in binaries)) throw new Error(`${component.name}: go build did not produce ${binary}`);
  }
  const manifest = { name: component.name, module: component.module, version, go: goVersion(), seconds: Math.round((Date.now() - started) / 100) / 10, builtAt: new Date().toISOString(), binaries };
  fs.writeFileSync(path.join(staging, 'component.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir); // the manifest appears with the folder: a half-built component is never reused
  return { component, dir, reused: false, seconds: manifest.seconds };
}

function status() {
  for (const c of COMPONENTS) {
    const m = builtManifest(c.name);
    const sizes = m ? Object.entries(m.binaries).map(([b, s]) => `${b} ${(s / 1048576).toFixed(1)} MiB`).join(', ') : '';
    console.log(`${c.name.padEnd(24)} ${componentVersion(c).padEnd(40)} ${m ? `built in ${m.seconds}s: ${sizes}` : 'not built'}\n${' '.repeat(25)}${componentDir(c)}`);
  }
}

function main(argv) {
  if (argv.includes('--status')) return status();
  if (!goVersion()) {
    console.error('components: no `go` on PATH; install Go 1.26 (the components are built from Go modules)');
    process.exit(2);
  }
  const names = argv.filter((a) => !a.startsWith('-'));
  const wanted = names.length ? names.map(byName) : COMPONENTS;
  let failed = 0;
  for (const c of wanted) {
    try {
      const r = build(c);
      console.error(`components: ${c.name} ${r.reused ? 'already built' : `built in ${r.seconds}s`}: ${r.dir}`);
    } catch (e) {
      failed++;
      console.error(`components: ${c.name} failed: ${e.message}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main(process.argv.slice(2));
