#!/usr/bin/env bash
# The borela-rails gem's tests (integrations/rails/test), with Debian's ruby
# and Rails. Installs what is missing with apt-get: ruby, ruby-rails (the Rails
# frameworks and /usr/bin/rails), ruby-sqlite3, bundler. Debian's `rails`
# metapackage is not used: it drags in node packages that cannot be installed
# beside the project's Node. Works from any cwd; exits non-zero on a failure
# and prints "N passed, N failed" (Ruby test cases) as its last line.
set -uo pipefail
cd "$(dirname "$0")/../integrations/rails" || { echo "0 passed, 1 failed"; exit 1; }
started=$(date +%s)

need=()
command -v ruby >/dev/null || need+=(ruby)
command -v bundle >/dev/null || need+=(bundler)
command -v rails >/dev/null && ruby -e 'require "rails/generators/test_case"; require "active_record"; require "action_controller"' 2>/dev/null ||
  need+=(ruby-rails)
ruby -e 'require "sqlite3"' 2>/dev/null || need+=(ruby-sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
    echo "apt-get could not install ${need[*]}"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

passed=0; failed=0
for test in test/*_test.rb; do
  # Each file in its own process, bounded in time; the summary line is minitest's.
  out=$(timeout 300 ruby -Itest "$test" 2>&1)
  line=$(grep -E '^[0-9]+ runs, [0-9]+ assertions, [0-9]+ failures, [0-9]+ errors, [0-9]+ skips' <<<"$out" | tail -1)
  if [ -z "$line" ]; then
    echo "$out"
    echo "FAILED: $test ended without a minitest summary"
    failed=$((failed + 1)); continue
  fi
  read -r runs _ _ _ fails _ errors _ skips _ <<<"$line"
  bad=$((fails + errors + skips))
  [ "$bad" -gt 0 ] && echo "$out"
  echo "$test: $line"
  passed=$((passed + runs - bad)); failed=$((failed + bad))
done
echo "ruby tests took $(($(date +%s) - started))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
