#!/usr/bin/env bash
# Lighthouse on every page of netstudy, on a phone and on a desktop: prints
# the performance score, the cumulative layout shift and the SEO score of
# each. It builds and starts its own server on loopback, with a throwaway
# database, an instructor key of its own and a live session in its lobby
# (the instructor's pages get the instructor's cookie).
#
#   npm i -g lighthouse@12.8.2      # once; 13.x needs a newer Node
#   bench/lighthouse.sh             # every page
#   bench/lighthouse.sh join host   # only the pages whose name has "join" or "host"
#
# CHROME_PATH picks the browser (default /usr/bin/chromium); PORT the
# server's port (default 18931); LIGHTHOUSE_OUT keeps the JSON reports.
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
PORT=${PORT:-18931}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
OUT=${LIGHTHOUSE_OUT:-$WORK/reports}
mkdir -p "$OUT"
KEY=lighthouse-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')

go build -o "$WORK/netstudy" ./app
"$WORK/netstudy" --addr "127.0.0.1:$PORT" --data "$WORK/data" --instructor-key "$KEY" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
	curl -fs "$BASE/healthz" >/dev/null && break
	sleep 0.1
done

json() { node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>console.log(eval(process.argv[1])(JSON.parse(s))))' "$1"; }

COOKIE=$(curl -fs -D - -o /dev/null "$BASE/host?key=$KEY" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1)
QUIZ=$(curl -fs "$BASE/api/quizzes" | json '(v) => (v.quizzes || v)[0].id')
NOTE=$(curl -fs "$BASE/api/notes" | json '(v) => (v.notes || v)[0].slug')
SESSION=$(curl -fs -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
	-d "{\"quiz_id\": \"$QUIZ\"}" "$BASE/api/sessions" | json '(v) => v.id')
printf '{"Cookie": "%s"}' "$COOKIE" >"$WORK/instructor.json"

# name path [instructor]
PAGES="home / -
note /notes/$NOTE -
vocabulary /vocabulary -
flashcards /flashcards -
practice /practice -
practice-quiz /practice/$QUIZ -
layers /layers -
join /join -
host-signin /host/signin -
host /host i
dashboard /host/sessions/$SESSION i
projector /host/sessions/$SESSION/present i
results /host/sessions/$SESSION/results i"

printf '%-14s %-8s %5s %7s %4s\n' page form perf CLS SEO
while read -r name path who; do
	if [ $# -gt 0 ]; then
		keep=
		for want in "$@"; do case $name in *"$want"*) keep=1 ;; esac; done
		[ -n "$keep" ] || continue
	fi
	for form in mobile desktop; do
		args=(--quiet --only-categories=performance,seo --output=json --output-path="$OUT/$name-$form.json"
			--chrome-flags="--headless=new --no-sandbox")
		[ "$form" = desktop ] && args+=(--preset=desktop)
		[ "$who" = i ] && args+=(--extra-headers="$WORK/instructor.json")
		if ! lighthouse "$BASE$path" "${args[@]}" 2>"$WORK/lighthouse.log"; then
			printf '%-14s %-8s failed: %s\n' "$name" "$form" "$(tail -n 1 "$WORK/lighthouse.log")"
			continue
		fi
		json '(r) => [Math.round(r.categories.performance.score * 100), r.audits["cumulative-layout-shift"].numericValue.toFixed(3), Math.round(r.categories.seo.score * 100)].join(" ")' \
			<"$OUT/$name-$form.json" | { read -r perf cls seo; printf '%-14s %-8s %5s %7s %4s\n' "$name" "$form" "$perf" "$cls" "$seo"; }
	done
done <<<"$PAGES"
