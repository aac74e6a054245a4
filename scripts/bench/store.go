package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

// indexCache is the store's index cache file, relative to the store. The
// rebuild timing deletes it; store.Open rebuilds it from the Maildir.
const indexCache = "letterbox-meta/index"

// storeResult holds scenario 5's timings, seconds per operation.
type storeResult struct {
	n                    int
	build                time.Duration
	open, rebuild        []float64
	firstPage            []float64
	subject, body        []float64
	subjectHits, bodyHit int
}

// runStore is scenario 5: a store of -store-n messages written through the
// store's own delivery path (without fsync, to build it quickly), then Open
// with a warm index, Open after deleting the index (rebuild), the first
// page, a subject search and a body search.
func runStore(ctx context.Context, o *options, rep *report) error {
	dir := filepath.Join(o.work, "store")
	defer os.RemoveAll(dir)
	start := time.Now()
	if err := fillStore(ctx, dir, o.storeN); err != nil {
		return err
	}
	res := &rep.store
	res.n, res.build = o.storeN, time.Since(start)
	o.log.WithFields(logrus.Fields{"messages": o.storeN, "secs": res.build.Round(time.Second)}).Info("store built")
	for range o.reps {
		secs, err := timeOpen(dir, o.storeN)
		if err != nil {
			return fmt.Errorf("open: %w", err)
		}
		res.open = append(res.open, secs)
		if err := os.Remove(filepath.Join(dir, indexCache)); err != nil {
			return fmt.Errorf("deleting the index cache: %w", err)
		}
		if secs, err = timeOpen(dir, o.storeN); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		res.rebuild = append(res.rebuild, secs)
	}
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	queries := []struct {
		q    store.Query
		dst  *[]float64
		hits *int
	}{
		{store.Query{Limit: 50}, &res.firstPage, nil},
		{store.Query{Search: subjectOf(o.storeN / 3), Limit: 50}, &res.subject, &res.subjectHits},
		{store.Query{Search: bodyNeedle, SearchBody: true, Limit: 50}, &res.body, &res.bodyHit},
	}
	for _, q := range queries {
		if q.q.SearchBody && o.searchProf != "" {
			stop, err := startProfile(o.searchProf)
			if err != nil {
				return err
			}
			defer stop()
		}
		for range max(o.reps, 5) {
			t := time.Now()
			items, total, err := s.List(q.q)
			if err != nil {
				return err
			}
			*q.dst = append(*q.dst, time.Since(t).Seconds())
			if q.hits != nil {
				*q.hits = total
			}
			if q.q.Search == "" && len(items) != 50 {
				return fmt.Errorf("first page has %d messages, want 50", len(items))
			}
		}
	}
	if res.subjectHits != 1 || res.bodyHit != 1 {
		return fmt.Errorf("subject search found %d, body search %d; want 1 each", res.subjectHits, res.bodyHit)
	}
	return nil
}

// timeOpen opens the store, checks its count and closes it; it returns the
// seconds Open took.
func timeOpen(dir string, n int) (float64, error) {
	t := time.Now()
	s, err := store.Open(dir, store.Options{})
	secs := time.Since(t).Seconds()
	if err != nil {
		return 0, err
	}
	defer s.Close()
	if total, _ := s.Counts(); total != n {
		return 0, fmt.Errorf("Counts() = %d, want %d", total, n)
	}
	return secs, nil
}

// bodyNeedle is a word only the middle message's body holds.
const bodyNeedle = "zanzibar-quokka"

func subjectOf(i int) string { return fmt.Sprintf("Quarterly report #%06d", i) }

// fillStore delivers n messages of about 4 KB with session records.
func fillStore(ctx context.Context, dir string, n int) error {
	s, err := store.Open(dir, store.Options{NoSync: true, SaveAfter: 1 << 30, SaveInterval: time.Hour})
	if err != nil {
		return err
	}
	para := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n", 45)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		if i%1000 == 0 && ctx.Err() != nil {
			s.Close()
			return ctx.Err()
		}
		body := para
		if i == n/2 {
			body = para + "The " + bodyNeedle + " sees the harbour.\r\n"
		}
		when := base.Add(time.Duration(i) * time.Minute)
		rcpt := fmt.Sprintf("user%d@domain%d.test", i%97, i%13)
		msg := fmt.Sprintf("Return-Path: <sender%d@example.org>\r\nReceived: from bench.test (localhost [127.0.0.1])\r\n"+
			"\tby letterbox with ESMTP; %s\r\nFrom: Sender %d <sender%d@example.org>\r\nTo: %s\r\n"+
			"Subject: %s\r\nDate: %s\r\nMessage-ID: <m%d@example.org>\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\n%s",
			i%500, when.Format(time.RFC1123Z), i%500, i%500, rcpt, subjectOf(i), when.Format(time.RFC1123Z), i, body)
		if err := deliver(s, msg, store.Record{MailFrom: fmt.Sprintf("sender%d@example.org", i%500),
			Rcpts: []string{rcpt, "bcc@hidden.test"}, Remote: "127.0.0.1:40000", Helo: "bench.test",
			Protocol: "ESMTP", Started: when, Received: when, Transcript: transcript(when)}); err != nil {
			s.Close()
			return fmt.Errorf("message %d: %w", i, err)
		}
	}
	return s.Close()
}

func deliver(s *store.Store, msg string, rec store.Record) error {
	d, err := s.Create()
	if err != nil {
		return err
	}
	if _, err := d.Write([]byte(msg)); err != nil {
		return errors.Join(err, d.Abort())
	}
	_, err = d.Commit(rec)
	return err
}

// transcript is a typical server-side session record.
func transcript(t time.Time) []smtpcore.Event {
	lines := []struct {
		dir  smtpcore.Dir
		text string
	}{
		{smtpcore.DirServer, "220 localhost ESMTP Letterbox ready"},
		{smtpcore.DirClient, "EHLO bench.test"},
		{smtpcore.DirServer, "250-localhost greets bench.test"},
		{smtpcore.DirClient, "MAIL FROM:<sender@example.org>"},
		{smtpcore.DirServer, "250 2.1.0 OK"},
		{smtpcore.DirClient, "RCPT TO:<user@domain.test>"},
		{smtpcore.DirServer, "250 2.1.5 OK"},
		{smtpcore.DirClient, "DATA"},
		{smtpcore.DirServer, "354 Go ahead"},
		{smtpcore.DirClient, "… 4.2 KB sent"},
	}
	ev := make([]smtpcore.Event, len(lines))
	for i, l := range lines {
		ev[i] = smtpcore.Event{Time: t, Session: "bench", Dir: l.dir, Text: l.text}
	}
	return ev
}

// startProfile starts a CPU profile into path; the returned func ends it.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
