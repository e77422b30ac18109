#!/usr/bin/env bash
# Runs the unit suite (jest) on other Node.js majors than the one installed: their binaries come
# from the npm registry's `node` package (npx -p node@N, cached by npm), so nothing else is needed.
#
#   bash scripts/test-node-versions.sh            # Node 22 and 24
#   NODE_VERSIONS="22 24 26" bash scripts/test-node-versions.sh
#   bash scripts/test-node-versions.sh test/core.test.ts      # only these test files (any jest arguments)
#
# Needs node_modules (npm ci) and the schemas (bash scripts/setup-tools.sh --python-only).
# Coverage and the junit report are off, so the main run's test-reports/ stay as they are.
# Ends with one line "N passed, N failed" counting the tests of every version.
set -uo pipefail
cd "$(dirname "$0")/.."

VERSIONS="${NODE_VERSIONS:-22 24}"
ARGS=("$@")

passed=0
failed=0
summary=()
for v in $VERSIONS; do
  out="$(mktemp)"
  start=$(date +%s)
  echo "=== unit suite on Node $v ==="
  # `node` inside the npx environment is the requested major; jest's workers inherit it. The
  # outer npx's call must not reach an `npx` that a test runs (cdk8s apps: npx ts-node main.ts).
  npx --yes -p "node@$v" -c "unset npm_config_call npm_config_package; node -v && node node_modules/jest/bin/jest.js --ci --coverage=false --reporters=default --json --outputFile=$out ${ARGS[*]:-}"
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ -s "$out" ]; then
    read -r p f < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["numPassedTests"], r["numFailedTests"] + r["numRuntimeErrorTestSuites"])' "$out")
  else
    p=0; f=1
  fi
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$(( passed + p ))
  failed=$(( failed + f ))
  summary+=("Node $v: $p passed, $f failed (${secs}s)")
  rm -f "$out"
done
echo
printf '%s\n' "${summary[@]}"
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
