package server

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"letterbox/server/store"
)

// fuzzEnd bounds how long a session may outlive its input. It is far below
// every timeout of the fuzzed servers, so a session that only ends by timing
// out fails.
const fuzzEnd = 5 * time.Second

// FuzzSession feeds arbitrary bytes to a whole session over net.Pipe (issue 5
// §5). Whatever arrives: no panic (the session's recover would answer 421 and
// hide it, so the test fails on any Error entry in the server's log), the
// session ends as soon as its input ends, and no goroutine outlives it.
//
// variant picks one of 16 configurations (insecure AUTH, bare LF accepted,
// PIPELINING off, full transcripts), so that more of the server is reached.
func FuzzSession(f *testing.F) {
	for _, s := range fuzzSeeds() {
		for v := range byte(4) {
			f.Add(v, []byte(s))
		}
	}
	f.Add(byte(0), append([]byte("EHLO c.test\r\nSTARTTLS\r\n"), fuzzClientHello(f)...))
	st, err := store.Open(f.TempDir(), store.Options{NoSync: true})
	if err != nil {
		f.Fatalf("store.Open: %v", err)
	}
	f.Cleanup(func() { st.Close() })
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	servers := map[byte]*Server{}
	f.Fuzz(func(t *testing.T, variant byte, input []byte) {
		variant %= 16
		srv := servers[variant]
		if srv == nil {
			if srv, err = New(fuzzConfig(variant, log), st); err != nil {
				t.Fatalf("New: %v", err)
			}
			servers[variant] = srv
		}
		hook.Reset()
		before := runtime.NumGoroutine()
		fuzzRun(t, srv, input)
		for _, e := range hook.AllEntries() {
			if e.Level <= logrus.ErrorLevel {
				t.Fatalf("server logged %q %v on input %q", e.Message, e.Data, input)
			}
		}
		fuzzNoLeak(t, before)
	})
}

// fuzzConfig is a server with small limits, AUTH for anyone, no delays, and
// the features that the bits of variant switch.
func fuzzConfig(variant byte, log logrus.FieldLogger) Config {
	return Config{
		Hostname:          "mx.test",
		MaxMessageBytes:   4096,
		MaxRecipients:     5,
		MaxLineLength:     512,
		MaxBadCommands:    50,
		MaxAuthFailures:   3,
		AuthFailDelay:     -1,
		CommandTimeout:    time.Minute,
		DataTimeout:       time.Minute,
		Auth:              "any",
		AllowInsecureAuth: variant&1 != 0,
		AllowBareLF:       variant&2 != 0,
		DisablePipelining: variant&4 != 0,
		FullTranscript:    variant&8 != 0,
		Logger:            log,
	}
}

// fuzzRun writes input into a session, closes the client's end, and checks
// that the session ends within fuzzEnd.
func fuzzRun(t *testing.T, srv *Server, input []byte) {
	cc, sc := net.Pipe()
	ended := make(chan struct{})
	go func() {
		srv.ServeConn(sc)
		close(ended)
	}()
	drained := make(chan struct{})
	go func() { // the replies, read as fast as they come
		io.Copy(io.Discard, cc)
		close(drained)
	}()
	cc.SetWriteDeadline(time.Now().Add(fuzzEnd))
	cc.Write(input) // fails early when the server hangs up first, as it may
	cc.Close()
	select {
	case <-ended:
	case <-time.After(fuzzEnd):
		t.Fatalf("session still running %v after its input ended; input %q", fuzzEnd, input)
	}
	<-drained
}

// fuzzNoLeak waits until no more goroutines run than before the session.
func fuzzNoLeak(t *testing.T, before int) {
	deadline := time.Now().Add(fuzzEnd)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines after the session, %d before:\n%s", runtime.NumGoroutine(), before, buf)
		}
		time.Sleep(time.Millisecond)
	}
}

// fuzzClientHello returns the first flight of a real TLS client, to follow a
// STARTTLS in a seed.
func fuzzClientHello(f *testing.F) []byte {
	cc, sc := net.Pipe()
	defer sc.Close()
	go func() {
		tc := tls.Client(cc, &tls.Config{ServerName: "mx.test", MinVersion: tls.VersionTLS12})
		tc.Handshake() // fails when sc closes; only its first write matters
		cc.Close()
	}()
	buf := make([]byte, 64<<10)
	sc.SetReadDeadline(time.Now().Add(fuzzEnd))
	n, err := sc.Read(buf)
	if err != nil {
		f.Fatalf("reading a ClientHello: %v", err)
	}
	return buf[:n]
}

// fuzzSeeds are real sessions, well-formed and not, one per string.
func fuzzSeeds() []string {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tx := "MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\n"
	seeds := []string{
		"EHLO c.test\r\n" + tx + "DATA\r\nSubject: hi\r\n\r\nbody\r\n..dot\r\n.\r\nQUIT\r\n",
		"HELO c.test\r\n" + tx + "RCPT TO:<c@y.test>\r\nDATA\r\nSubject: two\r\n\r\n.\r\nRSET\r\nNOOP\r\nVRFY b\r\nHELP\r\nQUIT\r\n",
		"EHLO c.test\r\nMAIL FROM:<> BODY=8BITMIME SIZE=100\r\nRCPT TO:<b@y.test>\r\nBDAT 5\r\nhelloBDAT 9 LAST\r\n\r\n world\r\nQUIT\r\n",
		"EHLO c.test\r\n" + tx + "BDAT 5000 LAST\r\n" + strings.Repeat("x", 5000) + "NOOP\r\n",
		"EHLO c.test\r\n" + tx + "BDAT 3\r\nabcDATA\r\nBDAT x\r\n",
		"EHLO c.test\r\nMAIL FROM:<ü@x.test> SMTPUTF8\r\nRCPT TO:<δ@y.test>\r\nDATA\r\nSubject: ✓\r\n\r\nå\r\n.\r\n",
		"EHLO c.test\r\nAUTH PLAIN " + b64("\x00user\x00pass") + "\r\n" + tx + "DATA\r\n\r\nx\r\n.\r\n",
		"EHLO c.test\r\nAUTH LOGIN\r\n" + b64("user") + "\r\n" + b64("pass") + "\r\nMAIL FROM:<a@x.test> AUTH=<>\r\n",
		"EHLO c.test\r\nAUTH CRAM-MD5\r\n" + b64("user 0123456789abcdef0123456789abcdef") + "\r\n",
		"EHLO c.test\r\nAUTH LOGIN\r\n*\r\nAUTH PLAIN =\r\nAUTH PLAIN !!!\r\nAUTH NOPE\r\n",
		"EHLO c.test\r\nSTARTTLS\r\nEHLO injected.test\r\n",
		"EHLO c.test\r\n" + tx + "DATA\r\nSubject: smuggle\r\n\n.\nMAIL FROM:<evil@x.test>\r\n\r\n.\r\n",
		"EHLO c.test\r\n" + tx + "DATA\r\nbare\rCR\r\n\r.\r\nx\n.\r\n.\r\n",
		"EHLO c.test\r\n" + tx + "DATA\r\n" + strings.Repeat("long line ", 600) + "\r\n.\r\n",
		"EHLO c.test\r\nNOOP \x00\r\nMAIL FROM:<a@x.test\x00>\r\n\x7f\x80\xff\r\n",
		"EHLO " + strings.Repeat("h", 600) + "\r\nEHLO\r\nMAIL FROM:a@x.test\r\nRCPT TO:<>\r\nDATA x\r\n",
		"EHLO c.test\r\n" + strings.Repeat("RCPT TO:<r@y.test>\r\n", 3) + tx + strings.Repeat("RCPT TO:<r@y.test>\r\n", 8),
		"EHLO c.test\r\nMAIL FROM:<a@x.test> SIZE=999999\r\nMAIL FROM:<a@x.test> FOO=bar\r\nRCPT TO:<b@y.test> NOTIFY=NEVER\r\n",
		"EXPN list\r\nTURN\r\nFROB\r\nQUIT extra\r\n",
		"ehlo c.test\nmail from:<a@x.test>\nrcpt to:<b@y.test>\ndata\nbare lf\n.\n.\r\n",
	}
	var pipelined bytes.Buffer
	for range 50 {
		pipelined.WriteString("NOOP\r\nRSET\r\n")
	}
	seeds = append(seeds, grammarSeeds()...)
	return append(seeds, pipelined.String())
}
