import { cdk8s, javascript, JsonPatch } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-patterns',
  packageName: 'cdk8s-patterns',
  description: 'Kubernetes design patterns (sidecar, ambassador, adapter, work queue, leader election, ...) as secure, typed cdk8s constructs',
  author: 'cdk8s-patterns maintainers',
  authorAddress: 'maintainers@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-patterns/cdk8s-patterns.git',
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'kubernetes', 'patterns', 'sidecar', 'ambassador', 'adapter', 'constructs'],
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.16.0',

  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',

  github: false,
  release: false,
  depsUpgrade: false,
  docgen: true,
  jestOptions: {
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/policy/'],
    },
  },

  // Bindings for the other jsii languages; building them is a later issue.
  publishToPypi: { distName: 'cdk8s-patterns', module: 'cdk8s_patterns' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_patterns',
    mavenGroupId: 'io.github.cdk8s-patterns',
    mavenArtifactId: 'cdk8s-patterns',
  },
  publishToGo: { moduleName: 'github.com/cdk8s-patterns/cdk8s-patterns-go' },

  devDeps: ['ajv@^8', 'yaml@^2', 'fast-check@^4'],
  gitignore: ['/examples/dist/', '/.cache/', '__pycache__/'],
});

for (const p of ['/examples/', '/docs/', '/scripts/', '/bench/', '/.ci/', '/test/']) project.addPackageIgnore(p);

// The lockfile trap (see notes/toolchain.md): newer resolvers pull per-platform optional packages.
project.addDevDeps('eslint-import-resolver-typescript@~3.8.7');
// The validation plugin (src/plugin) implements cdk8s-cli's Validation interface (types only).
project.addDevDeps('cdk8s-cli@^2.207.0');

// Fail on every jsii warning: reserved words break the Python and Java bindings.
project.compileTask.reset('jsii --fail-on-warnings');
// Load each module of lib/ on first use (the benchmark's import cost; scripts/lazy-index.js).
project.compileTask.exec('node scripts/lazy-index.js');

// Every example app under examples/ synthesizes into examples/dist/.
project.addTask('synth', {
  description: 'Synthesize every example app in examples/ into examples/dist/',
  exec: 'ts-node --project scripts/tsconfig.json scripts/synth-examples.ts',
});

// End-to-end: strict schema and policy scanners over examples/dist, then every example applied to
// a real cluster (etcd, kube-apiserver, controllers, scheduler, and a real node: kubelet, containerd,
// kube-proxy, CoreDNS) built from Go modules and Debian packages, running every example's pods.
project.addTask('test:e2e', {
  description: 'Schema, policy scanners, then every example run on a real node (run npm run synth first)',
  exec: 'bash scripts/e2e/run.sh',
  receiveArgs: true,
});

// Benchmark (#15): the same app with the patterns, hand-written with cdk8s-plus-28 and as plain
// serialized objects, each a whole process; `npm run bench -- --quick` is the seconds-long CI run.
project.addTask('bench', {
  description: 'Benchmark patterns vs hand-written cdk8s-plus vs plain serialization (bench/README.md)',
  exec: 'node bench/run.mjs',
  receiveArgs: true,
});

// The user's side: pack the package, install it into a fresh cdk8s app, synthesize the README
// quickstart, validate it and run the validation plugin through cdk8s-cli.
project.addTask('test:consumer', {
  description: 'Pack the package, install it in a fresh cdk8s app, synth the README quickstart and run the validation plugin',
  exec: 'bash scripts/consumer-test.sh',
  receiveArgs: true,
});

// Unit tests read the Kubernetes 1.28 strict JSON schemas from a cached venv; install it first.
project.testTask.prependExec('bash scripts/setup-tools.sh --python-only');

project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('scripts');

project.package.file.patch(JsonPatch.add('/engines/node', '>= 20.16.0'));

project.synth();
