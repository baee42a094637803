#!/bin/sh
# Run each libFuzzer target for a while on a corpus seeded from the
# fixtures; print executions per second and the total per target, and
# keep the figures in build/fuzz/stats.txt for the benchmark report.
# Usage: fuzz/run.sh SECONDS TARGET...
set -eu
secs=$1
shift
top=$(pwd)
stats=build/fuzz/stats.txt
: > "$stats"
for t in "$@"; do
	seed=build/fuzz/seed-$t
	corpus=build/fuzz/corpus-$t
	rm -rf "$seed"
	mkdir -p "$seed" "$corpus"
	case $t in
	fuzz_master)
		cp fixtures/master/*.cf "$seed"/ ;;
	fuzz_main)
		cp fixtures/main/*.cf "$seed"/ ;;
	fuzz_expand)
		i=0
		grep -h '=' fixtures/main/*.cf | sed 's/^[^=]*= *//' |
		while IFS= read -r line; do
			i=$((i + 1))
			{ printf '%s\n' "$line"; cat fixtures/main/tricky.cf; } \
			    > "$seed/expand-$i"
		done ;;
	fuzz_edit)
		for f in fixtures/master/*.cf; do
			{ cat "$f"; printf '\000\002\001\003\004\000\005\001\002'; } \
			    > "$seed/$(basename "$f")"
		done ;;
	esac
	# Inputs that once failed stay in the seeds, so every run retries them.
	if [ -d fuzz/regress/$t ]; then
		cp fuzz/regress/$t/* "$seed"/
	fi
	log=build/fuzz/$t.log
	if ! build/fuzz/$t -max_total_time="$secs" -max_len=65536 \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/crash-$t- \
	    "$corpus" "$seed" > "$log" 2>&1; then
		echo "fuzz: $t FAILED; see $log and build/fuzz/crash-$t-*"
		tail -30 "$log"
		exit 1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	echo "fuzz: $t: $runs executions in ${secs}s ($rate/s), no crash" |
	    tee -a "$stats"
done
