#!/usr/bin/env bash
# The project's test command (`npm test`, and .ci/run): installs what is missing, builds, lints,
# runs every project's unit tests, then the interop and hostile-peer suites against real peers.
# A dependency that cannot be installed is a failure, never a skip.
# Every stage runs even after an earlier one failed, so one run shows every problem; the exit
# status is non-zero if any stage failed. The last line is "N passed, N failed".
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI="${CI:-true}"
export DEBIAN_FRONTEND=noninteractive

RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/dicom-router-run.XXXXXX")
# Scratch root of the interop suites (tests/support/tmp.ts); cleared at the start of each run only.
export DICOM_ROUTER_TEST_TMP="${TMPDIR:-/tmp}/dicom-router-tests/run-all"
# Upper bound per stage, so a hung test (an open handle, a peer that never answers) fails the run
# instead of stalling CI. Override with STAGE_TIMEOUT_SECONDS.
STAGE_TIMEOUT_SECONDS=${STAGE_TIMEOUT_SECONDS:-1800}
TESTS_PASSED=0
TESTS_FAILED=0
FAILED_STAGES=()

log() { printf '\n=== %s\n' "$*"; }

# bounded COMMAND...: run an external command under the stage timeout (TERM, then KILL 30 s later).
bounded() { timeout -k 30 "$STAGE_TIMEOUT_SECONDS" "$@"; }

# stage NAME COMMAND...: run, record. A failed stage adds its failed-test count, or 1 when it
# reported none (install, build, lint, a suite that could not load), so a red run never says "0 failed".
stage() {
  local name=$1
  shift
  log "$name"
  local before=$TESTS_FAILED status=0
  "$@" || status=$?
  if ((status == 0)); then
    log "$name: ok"
  else
    ((status == 124)) && echo "timed out after ${STAGE_TIMEOUT_SECONDS} s"
    log "$name: FAILED"
    FAILED_STAGES+=("$name")
    if ((TESTS_FAILED == before)); then TESTS_FAILED=$((TESTS_FAILED + 1)); fi
  fi
}

# --- (a) system tools -------------------------------------------------------------------------
PYDICOM_DATA=/usr/lib/python3/dist-packages/pydicom/data/test_files

missing_packages() {
  local pkgs=()
  for tool in echoscu storescu findscu storescp wlmscpfs; do
    command -v "$tool" >/dev/null 2>&1 || { pkgs+=(dcmtk); break; }
  done
  [[ -x /usr/sbin/Orthanc ]] || pkgs+=(orthanc)
  [[ -d $PYDICOM_DATA ]] || pkgs+=(python3-pydicom)
  command -v openssl >/dev/null 2>&1 || pkgs+=(openssl)
  command -v psql >/dev/null 2>&1 || pkgs+=(postgresql-client)
  command -v nats-server >/dev/null 2>&1 || pkgs+=(nats-server)
  # The deploy suite: kubectl's kustomize renders k8s/, Go with sprig renders the Helm chart's templates.
  command -v kubectl >/dev/null 2>&1 || pkgs+=(kubectl)
  { command -v go >/dev/null 2>&1 && [[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ]]; } ||
    pkgs+=(golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev)
  echo "${pkgs[*]}"
}

ensure_tools() {
  local pkgs
  pkgs=$(missing_packages)
  [[ -z $pkgs ]] && { echo "all tools present"; return 0; }
  echo "missing Debian packages: $pkgs"
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "cannot install $pkgs: not root and no password-less sudo" >&2
      return 1
    fi
  fi
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y --no-install-recommends $pkgs || return 1
  pkgs=$(missing_packages)
  [[ -z $pkgs ]] || { echo "still missing after install: $pkgs" >&2; return 1; }
}

# --- services this machine kind starts before a session (node-svc); start them if they stopped --
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1
  for _ in $(seq 1 100); do port_open "$port" && return 0; sleep 0.2; done
  return 1
}

# The URL the suites create their databases through (libs/persistence/src/testing).
POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
# What the server says to a new session: "1", or psql's error.
postgres_says() { psql "$POSTGRES_URL" -Atqc 'SELECT 1' 2>&1 | head -n1; }
postgres_answers() { [[ $(postgres_says) == 1 ]]; }
wait_postgres() {
  for _ in $(seq 1 100); do postgres_answers && return 0; sleep 0.2; done
  return 1
}

pg_cluster() { pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main "$1"; }

ensure_services() {
  local ok=0
  if ! port_open 5432; then
    echo "PostgreSQL not listening on 5432; starting it"
    command -v pg_ctlcluster >/dev/null && pg_cluster start
  elif ! postgres_answers; then
    # Listening is not serving: a server whose shared memory segments under /dev/shm were removed
    # accepts connections and refuses every session ("could not open shared memory segment").
    # Only a restart recovers it.
    echo "PostgreSQL listens but refuses sessions ($(postgres_says)); restarting it"
    command -v pg_ctlcluster >/dev/null && pg_cluster restart
  fi
  wait_postgres || { echo "PostgreSQL does not answer: $(postgres_says)" >&2; ok=1; }
  if ! port_open 4222; then
    echo "NATS not listening on 4222; starting it"
    command -v nats-server >/dev/null || [[ -x /usr/sbin/nats-server ]] &&
      start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
        -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    wait_port 4222 || { echo "NATS did not come up" >&2; ok=1; }
  fi
  ((ok == 0)) && echo "PostgreSQL answering, NATS listening"
  return $ok
}

# --- (b) node_modules ---------------------------------------------------------------------------
ensure_node_modules() {
  # npm writes node_modules/.package-lock.json on every install: compare against it.
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    bounded npm ci --no-audit --no-fund
  else
    echo "node_modules is up to date with package-lock.json"
  fi
}

# --- (e)/(f) test stages, counting results ----------------------------------------------------
# Sum jest's "Tests: ..." summary lines from Nx's output (one per project, cached runs replay theirs).
count_jest_summaries() {
  local file=$1 counts
  counts=$(sed -e 's/\x1b\[[0-9;]*m//g' "$file" | awk '
    /^[[:space:]]*Tests:[[:space:]]/ {
      for (i = 1; i <= NF; i++) {
        if ($(i) ~ /^passed,?$/) p += $(i - 1)
        if ($(i) ~ /^failed,?$/) f += $(i - 1)
      }
    }
    END { printf "%d %d", p, f }')
  TESTS_PASSED=$((TESTS_PASSED + ${counts% *}))
  TESTS_FAILED=$((TESTS_FAILED + ${counts#* }))
}

unit_tests() {
  local status
  bounded npx nx run-many -t test --exclude=@dicom-router/tests --outputStyle=static 2>&1 | tee "$RESULTS/unit.log"
  status=${PIPESTATUS[0]}
  count_jest_summaries "$RESULTS/unit.log"
  return "$status"
}

interop_tests() {
  local status
  # The previous run's scratch files are kept until now, for a post-mortem.
  rm -rf "$DICOM_ROUTER_TEST_TMP"
  bounded npx jest -c tests/jest.config.ts --runInBand --ci --json --outputFile="$RESULTS/interop.json"
  status=$?
  # A suite that cannot load reports no failed test; count it as one.
  if [[ -s $RESULTS/interop.json ]]; then
    local counts
    counts=$(node -e 'const r = require(process.argv[1]); process.stdout.write(`${r.numPassedTests} ${r.numFailedTests + r.numRuntimeErrorTestSuites}`)' "$RESULTS/interop.json")
    TESTS_PASSED=$((TESTS_PASSED + ${counts% *}))
    TESTS_FAILED=$((TESTS_FAILED + ${counts#* }))
  fi
  return "$status"
}

stage "system tools (dcmtk, orthanc, python3-pydicom, openssl, nats-server, kubectl, go + sprig)" ensure_tools
stage "services (PostgreSQL, NATS)" ensure_services
stage "npm ci" ensure_node_modules
stage "build" bounded npm run build
stage "lint" bounded npx nx run-many -t lint --outputStyle=static
stage "unit tests" unit_tests
stage "interop and hostile suites" interop_tests

rm -rf "$RESULTS"
echo
if ((${#FAILED_STAGES[@]})); then
  echo "failed stages: $(IFS=,; echo "${FAILED_STAGES[*]}")"
fi
echo "${TESTS_PASSED} passed, ${TESTS_FAILED} failed"
((${#FAILED_STAGES[@]} == 0))
