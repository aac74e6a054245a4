package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/server"
	"letterbox/server/store"
)

// runProfile runs the profile subcommand: a Letterbox server in this process
// (the server and store packages `letterbox serve` runs, with its settings
// from letterboxLimits) loaded by smtp-source under a CPU profile.
//
//	go run ./scripts/bench profile -sessions 20 -size 5120 -n 3000 -cpuprofile cpu.out [-nosync]
//	go tool pprof -top cpu.out
func runProfile(args []string, log *logrus.Logger) int {
	fs := flag.NewFlagSet("bench profile", flag.ContinueOnError)
	sessions := fs.Int("sessions", 20, "parallel smtp-source sessions")
	size := fs.Int("size", 5120, "payload bytes per message")
	n := fs.Int("n", 3000, "messages")
	out := fs.String("cpuprofile", "cpu.out", "CPU profile to write")
	nosync := fs.Bool("nosync", false, "run the store without fsync (store.Options.NoSync), to see the ceiling without it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rate, err := profileOnce(log, ingestCase{*sessions, *size}, *n, *out, *nosync)
	if err != nil {
		log.WithError(err).Error("profile failed")
		return 1
	}
	fmt.Printf("%d messages, %s, nosync=%v: %.0f msg/s; profile in %s\n", *n, ingestCase{*sessions, *size}, *nosync, rate, *out)
	return 0
}

func profileOnce(log *logrus.Logger, c ingestCase, n int, out string, nosync bool) (float64, error) {
	dir, err := os.MkdirTemp("", "letterbox-profile-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	lf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return 0, err
	}
	defer lf.Close()
	slog := logrus.New()
	slog.SetOutput(lf)
	st, err := store.Open(filepath.Join(dir, "mail"), store.Options{Logger: slog, NoSync: nosync})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	srv, err := server.New(server.Config{Listen: "127.0.0.1:0", MaxConnections: 1100, MaxConnectionsPerIP: 1100,
		MaxMessageBytes: 256 << 20, Logger: slog}, st)
	if err != nil {
		return 0, err
	}
	if err := srv.Start(); err != nil {
		return 0, err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return 0, err
	}
	d, _, err := runTimed(context.Background(), 5*time.Minute, sourceArgs(c, n, srv.Addr().String()))
	pprof.StopCPUProfile()
	if err != nil {
		return 0, err
	}
	if total, _ := st.Counts(); total != n {
		return 0, fmt.Errorf("store holds %d messages after %d were acknowledged", total, n)
	}
	log.WithFields(logrus.Fields{"secs": d.Seconds()}).Info("profile run")
	return float64(n) / d.Seconds(), nil
}
