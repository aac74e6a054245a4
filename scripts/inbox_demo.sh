#!/bin/sh
# The "done when" of issue 14 as a shell session: serve --echo runs, inbox
# wait returns the message letterbox send delivers, inbox lint flags a
# hand-made broken message (sent with swaks) and is silent on the good one.
# Usage: scripts/inbox_demo.sh [BINARY]   (default bin/letterbox)
set -u
LB=${1:-bin/letterbox}
DIR=$(mktemp -d)
trap 'kill $SERVE 2>/dev/null; wait $SERVE 2>/dev/null; rm -rf "$DIR"' EXIT
PORT=${PORT:-25255}
show() { printf '\n$ %s\n' "$*"; }

show "letterbox serve --listen 127.0.0.1:$PORT --store \$STORE --echo &"
"$LB" serve --listen 127.0.0.1:$PORT --store "$DIR/mail" --echo >"$DIR/echo.txt" 2>"$DIR/serve.log" &
SERVE=$!
i=0; until grep -q listening "$DIR/serve.log" 2>/dev/null; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done

# --since 1m: the message counts even if send is done before wait has looked.
show "letterbox inbox --store \$STORE wait --to bob@example.net --since 1m --json &"
"$LB" inbox --store "$DIR/mail" wait --to bob@example.net --since 1m --json --timeout 30s >"$DIR/wait.json" &
WAIT=$!

show "letterbox send --server 127.0.0.1:$PORT --from 'Alice <alice@example.org>' --to 'Bob <bob@example.net>' --bcc carol@example.com --subject 'Grüße aus Köln' --body '...' --attach report.csv"
printf 'a,b\n1,2\n' >"$DIR/report.csv"
"$LB" send --server 127.0.0.1:$PORT --from 'Alice <alice@example.org>' --to 'Bob <bob@example.net>' --bcc carol@example.com \
	--subject 'Grüße aus Köln' --body "Hello Bob,
the report is attached.
Alice" --attach "$DIR/report.csv" 2>&1 | tail -1
wait $WAIT; echo "(inbox wait exit code $?)"
cat "$DIR/wait.json"
ID=$(jq -r '.[0].id' "$DIR/wait.json")

show "letterbox inbox --store \$STORE lint $ID"
"$LB" inbox --store "$DIR/mail" lint "$ID"; echo "(exit code $?)"

show "swaks --server 127.0.0.1:$PORT --from mallory@example.org --to bob@example.net --data broken.eml"
printf 'From: Mallory <mallory@>\r\nTo: bob@example.net\r\nSubject: broken\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p onclick="x()">Caf\303\251</p>\r\n--b1\r\nContent-Type: text/plain\r\n\r\nCaf\303\251\r\n' >"$DIR/broken.eml"
cat "$DIR/broken.eml" | tr -d '\r'
swaks --server 127.0.0.1:$PORT --from mallory@example.org --to bob@example.net --data "$DIR/broken.eml" 2>&1 | grep -E '^ *<- *250 .*queued'
BAD=$("$LB" inbox --store "$DIR/mail" list --json --subject broken | jq -r '.[0].id')

show "letterbox inbox --store \$STORE lint $BAD"
"$LB" inbox --store "$DIR/mail" lint "$BAD"; echo "(exit code $?)"

show "letterbox inbox --store \$STORE lint --json $BAD | jq '.[0]'"
"$LB" inbox --store "$DIR/mail" lint --json "$BAD" | jq '.[0]'

show "letterbox inbox --store \$STORE list"
"$LB" inbox --store "$DIR/mail" list

show "letterbox inbox --store \$STORE wait --subject nothing --timeout 1s"
"$LB" inbox --store "$DIR/mail" wait --subject nothing --timeout 1s; echo "(exit code $?)"

show "# serve is still running: kill -0 \$SERVE"
kill -0 $SERVE && echo "serve (pid $SERVE) is running"

show "# what serve --echo printed:"
cat "$DIR/echo.txt"
show "# the server's log lines for the messages:"
grep 'message received' "$DIR/serve.log"
