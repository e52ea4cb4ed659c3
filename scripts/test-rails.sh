#!/usr/bin/env bash
# The borela-rails gem's tests, with Debian's ruby and Rails frameworks
# (installed when missing; Debian's `rails` metapackage is avoided: it pulls in
# node packages that clash with the project's Node). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
need=()
command -v ruby >/dev/null || need+=(ruby)
command -v bundle >/dev/null || need+=(bundler)
ruby -e 'require "rails/generators/test_case"' 2>/dev/null || need+=(ruby-railties)
ruby -e 'require "active_record"; require "sqlite3"' 2>/dev/null || need+=(ruby-activerecord ruby-sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

passed=0; failed=0
for test in integrations/rails/test/*_test.rb; do
  out=$(ruby -Iintegrations/rails/test "$test" 2>&1)
  echo "$out" | tail -4
  line=$(echo "$out" | grep -E '^[0-9]+ runs, [0-9]+ assertions' | tail -1)
  if [ -z "$line" ]; then echo "$out"; failed=$((failed + 1)); continue; fi
  runs=$(echo "$line" | awk '{print $1}'); fails=$(echo "$line" | awk '{print $5}'); errors=$(echo "$line" | awk '{print $7}'); skips=$(echo "$line" | awk '{print $9}')
  bad=$((fails + errors + skips))
  passed=$((passed + runs - bad)); failed=$((failed + bad))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
