// The real components the cluster suites run against, each built from its own Go module in this folder (so that
// their dependency versions never mix), and where their binaries live: a cache outside the repository keyed by
// component, version and a hash of everything that decides the build (go.mod, go.sum, the recipe, the Go version).
// Used by build.js (which builds what is missing) and by the control-plane harness (which only looks).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const HERE = __dirname;

/** Where built components go: $STARROCKS_DR_COMPONENTS, else ~/.cache/starrocks-dr/components. */
function cacheRoot() {
  return process.env.STARROCKS_DR_COMPONENTS || path.join(os.homedir(), '.cache', 'starrocks-dr', 'components');
}

const k8sVersionFlags = (v) => {
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(v);
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${v}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`, `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ]);
};

/**
 * The components. `module` is the dependency whose version names the component; `binaries` maps a binary name to
 * its main package; `versionFlags` stamps the version the way the upstream release build does (an unstamped
 * kube-apiserver reports v0.0.0, and clients that read the version misbehave).
 */
const COMPONENTS = [
  {
    name: 'etcd',
    module: 'go.etcd.io/etcd/server/v3',
    binaries: { etcd: 'go.etcd.io/etcd/server/v3' },
    versionFlags: () => [],
  },
  {
    name: 'kubernetes',
    module: 'k8s.io/kubernetes',
    binaries: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
      kubectl: 'k8s.io/kubernetes/cmd/kubectl',
    },
    versionFlags: k8sVersionFlags,
  },
  {
    name: 'kwok',
    module: 'sigs.k8s.io/kwok',
    binaries: { kwok: 'sigs.k8s.io/kwok/cmd/kwok' },
    versionFlags: () => [], // pkg/consts carries the release's own version
  },
  {
    name: 'helm',
    module: 'helm.sh/helm/v4',
    binaries: { helm: 'helm.sh/helm/v4/cmd/helm' },
    versionFlags: (v) => [`-X helm.sh/helm/v4/internal/version.version=${v}`],
  },
  {
    name: 'pulumi',
    module: 'github.com/pulumi/pulumi/pkg/v3',
    binaries: { pulumi: 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi' },
    versionFlags: (v) => [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${v}`],
    // The dynamic-provider launcher a Pulumi release ships beside the CLI: a shell script in the sdk module.
    files: [{ module: 'github.com/pulumi/pulumi/sdk/v3', from: 'nodejs/dist/pulumi-resource-pulumi-nodejs' }],
  },
  {
    name: 'pulumi-language-nodejs',
    module: 'github.com/pulumi/pulumi/sdk/v3',
    binaries: { 'pulumi-language-nodejs': 'github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs' },
    versionFlags: (v) => [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${v}`],
  },
  {
    name: 'pulumi-kubernetes',
    module: 'github.com/pulumi/pulumi-kubernetes/provider/v4',
    binaries: { 'pulumi-resource-kubernetes': 'github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes' },
    versionFlags: (v) => [`-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${pulumiKubernetesVersion(v)}`],
    // Upstream's main package embeds schema-embed.json, which its `go generate` (generate.go) writes from schema.json.
    generate: true,
  },
];

/**
 * The provider module is served only as a pseudo-version (v4.0.0-<time>-<commit>) made after sdk/v4 v4.24.0; the
 * plugin reports a semver, so it is stamped 4.24.0-dev.<time> (its go.mod's sdk/v4 requirement, marked as a build
 * after it).
 */
function pulumiKubernetesVersion(moduleVersion) {
  const pseudo = /^v4\.0\.0-(\d{14})-([0-9a-f]{12})$/.exec(moduleVersion);
  return pseudo ? `4.24.0-dev.${pseudo[1]}+${pseudo[2]}` : moduleVersion.replace(/^v/, '');
}

function readGoMod(name) {
  return fs.readFileSync(path.join(HERE, name, 'go.mod'), 'utf8');
}

/** The version of the component's module, as its go.mod requires it. */
function componentVersion(component) {
  const escaped = component.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(readGoMod(component.name));
  if (!m) throw new Error(`tools/components/${component.name}/go.mod does not require ${component.module}`);
  return m[1];
}

let goVersionCache;
function goVersion() {
  if (goVersionCache === undefined) {
    try {
      goVersionCache = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
    } catch {
      goVersionCache = null;
    }
  }
  return goVersionCache;
}

/** The cache folder of a component: name, version and a hash of what decides the build. */
function componentDir(component) {
  const version = componentVersion(component);
  const hash = crypto.createHash('sha256');
  for (const f of ['go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(HERE, component.name, f)));
  hash.update(JSON.stringify({ binaries: component.binaries, flags: component.versionFlags(version), files: component.files, generate: component.generate }));
  hash.update(goVersion() ?? 'no-go');
  return path.join(cacheRoot(), `${component.name}-${version}-${hash.digest('hex').slice(0, 10)}`);
}

function byName(name) {
  const c = COMPONENTS.find((x) => x.name === name);
  if (!c) throw new Error(`unknown component ${name} (known: ${COMPONENTS.map((x) => x.name).join(', ')})`);
  return c;
}

/** The built component's manifest, or undefined when it is not built (for this version and recipe). */
function builtManifest(name) {
  const file = path.join(componentDir(byName(name)), 'component.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Absolute path of a built binary, or undefined. */
function binaryPath(name, binary) {
  const manifest = builtManifest(name);
  if (!manifest) return undefined;
  const file = path.join(componentDir(byName(name)), 'bin', binary ?? name);
  return fs.existsSync(file) ? file : undefined;
}

module.exports = { COMPONENTS, cacheRoot, componentVersion, componentDir, builtManifest, binaryPath, byName, goVersion, pulumiKubernetesVersion, HERE };
