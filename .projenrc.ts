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

  // The release path of cdk8s construct libraries (#14): every push to main that has new commits
  // since the last tag is a release (projen's continuous trigger): the version comes from the
  // conventional commits since the last tag (fix: patch, feat: minor, BREAKING CHANGE: major),
  // CHANGELOG from the same commits, a GitHub release and tag, and publishing jobs for npm, PyPI,
  // Maven Central and the Go module (publib, tokens from the repository's secrets).
  github: true,
  githubOptions: { mergify: false },
  pullRequestTemplate: false,
  release: true,
  releaseToNpm: true,
  // The first release is 1.0.0: the API is stable (jsii stability "stable") and jsii-diff holds it.
  minMajorVersion: 1,
  depsUpgrade: false,
  // lib/ ships compiled JavaScript and declarations only: no inline source maps with the sources.
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },
  docgen: true,
  jestOptions: {
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/policy/'],
    },
  },

  // The bindings for the other jsii languages, with the names the README announces; the release
  // publishes them (npm run test:bindings proves the Python one).
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

// Diagrams (src/diagram): every generated diagram is parsed with Mermaid's own parser
// (test/diagram/mermaid-parse.mjs: mermaid 11 is an ES module and needs a DOM, which jsdom gives it).
project.addDevDeps('mermaid@^11', 'jsdom@^26');
project.addTask('diagram', {
  description: 'Draw synthesized manifests as a Mermaid flowchart: npm run diagram -- FILE.k8s.yaml > FILE.mmd (scripts/diagram.ts)',
  exec: 'ts-node --project scripts/tsconfig.json scripts/diagram.ts',
  receiveArgs: true,
});
project.addTask('docs:diagrams', {
  description: 'Refresh the generated "What the example deploys" diagrams of docs/patterns/*.md (--check: fail if stale)',
  exec: 'ts-node --project scripts/tsconfig.json scripts/diagram-docs.ts',
  receiveArgs: true,
});

// Fail on every jsii warning: reserved words break the Python and Java bindings.
project.compileTask.reset('jsii --fail-on-warnings');
// Load each module of lib/ on first use (the benchmark's import cost; scripts/lazy-index.js).
project.compileTask.exec('node scripts/lazy-index.js');

// Packing from a clean clone: `npm pack` (npm's prepack hook) and every package:<language> task
// (jsii-pacmak reads .jsii first) compile when lib/ or .jsii is missing; a built tree packs as is,
// so the release's packaging jobs use the build job's artifact unchanged.
const prepack = project.addTask('prepack', {
  description: 'Compile (jsii) when lib/ or .jsii is missing, so that a fresh clone packs a complete package',
});
prepack.spawn(project.compileTask, {
  condition: 'node -e "const f = require(\'fs\'); process.exit(f.existsSync(\'.jsii\') && f.existsSync(\'lib/index.js\') ? 1 : 0)"',
});
for (const lang of ['js', 'python', 'java', 'go']) project.tasks.tryFind(`package:${lang}`)?.prependSpawn(prepack);

// API compatibility with the last release (jsii-diff against npm:cdk8s-patterns@latest; keys to
// accept a deliberate break go into .compatignore). It runs in every release after the build and in
// the build workflow, not in every local compile (it downloads the last release). Until a release is
// on npm, jsii-diff says the package does not exist and skips the analysis (exit 0).
const compat = project.tasks.tryFind('compat')!;
const release = project.tasks.tryFind('release')!;
const buildStep = release.steps.findIndex(s => s.spawn === project.buildTask.name);
release.insertStep(buildStep + 1, { spawn: compat.name });
project.buildWorkflow?.addPostBuildSteps({ name: 'API compatibility with the last release (jsii-diff)', run: 'npx projen compat' });

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

// The bindings, proven: the Python package (jsii-pacmak, cached by content) in a clean venv beside
// cdk8s, cdk8s-plus-28 and constructs from PyPI synthesizes byte-identical YAML to the same
// TypeScript app; Java and Go are reported (run, or why not).
project.addTask('test:bindings', {
  description: 'Build the Python package, run the same app in Python and TypeScript, compare the YAML; report Java and Go',
  exec: 'bash scripts/test-bindings.sh',
  receiveArgs: true,
});

// Unit tests read the Kubernetes 1.28 strict JSON schemas from a cached venv; install it first.
project.testTask.prependExec('bash scripts/setup-tools.sh --python-only');

project.eslint?.addLintPattern('examples');
// Generated by scripts/import-crds.sh (cdk8s import): not hand-written code.
project.eslint?.addIgnorePattern('src/imports/');
project.eslint?.addLintPattern('scripts');

project.package.file.patch(JsonPatch.add('/engines/node', '>= 20.16.0'));

// The Kubernetes version matrix (#14): every example strictly against every Kubernetes minor the
// schema validator ships from 1.28 on (test/k8s-versions.test.ts).
project.addTask('k8s-versions', {
  description: 'Kubernetes version matrix of the examples (--write: refresh docs/README block; --check: fail when stale; --compare-openapi vX.Y.Z ...)',
  exec: 'ts-node --project scripts/tsconfig.json scripts/k8s-versions.ts',
  receiveArgs: true,
});
// The unit suite on Node 22 and 24 (binaries from the npm registry's `node` package).
project.addTask('test:node', {
  description: 'Run the unit suite on Node 22 and 24 (NODE_VERSIONS="22 24 26"; jest arguments select files)',
  exec: 'bash scripts/test-node-versions.sh',
  receiveArgs: true,
});

project.synth();
