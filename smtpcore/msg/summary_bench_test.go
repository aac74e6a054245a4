package msg

import (
	"strings"
	"testing"
)

// BenchmarkSummarize reads a 5 KB message as the store indexes one.
func BenchmarkSummarize(b *testing.B) {
	m := "Return-Path: <sender@example.org>\r\nReceived: from x by letterbox id X\r\n" +
		"From: Sender 1 <sender1@example.org>\r\nTo: user1@domain1.test\r\nSubject: subject 1 =?UTF-8?Q?caf=C3=A9?=\r\n" +
		"Date: Mon, 01 Jan 2024 00:00:00 +0000\r\nMessage-ID: <x@example.org>\r\n\r\n" +
		strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n", 80)
	b.SetBytes(int64(len(m)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Summarize(strings.NewReader(m), ReadLimits{MaxTextBytes: 256 << 10}); err != nil {
			b.Fatal(err)
		}
	}
}
