package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"letterbox/smtpcore"
)

// Record is the session record kept beside each message, as JSON in
// STORE/.letterbox/records/<id>.json. It holds what the message bytes do not:
// the envelope (RFC 5321 §4.1.1.2–3; Bcc recipients appear only here), who
// delivered it and how, and the server's side of the conversation.
type Record struct {
	ID         string           `json:"id"`
	MailFrom   string           `json:"mail_from"` // "" = null sender <>
	Rcpts      []string         `json:"rcpts"`     // every envelope recipient, Bcc included
	Remote     string           `json:"remote,omitempty"`
	Helo       string           `json:"helo,omitempty"`
	Protocol   string           `json:"protocol,omitempty"` // ESMTP, ESMTPS, ESMTPA, ESMTPSA, SMTP (RFC 3848)
	TLS        *TLSInfo         `json:"tls,omitempty"`      // nil when the session was plain
	AuthUser   string           `json:"auth_user,omitempty"`
	Started    time.Time        `json:"started"`  // when the session connected
	Received   time.Time        `json:"received"` // when the message was committed
	Size       int64            `json:"size"`     // bytes stored, trace headers included
	Transcript []smtpcore.Event `json:"transcript,omitempty"`
	Warnings   []string         `json:"warnings,omitempty"` // protocol oddities, e.g. "bare LF in DATA"
}

// TLSInfo describes the TLS layer of a session.
type TLSInfo struct {
	Version    string `json:"version"`               // "TLS 1.3"
	Cipher     string `json:"cipher"`                // "TLS_AES_128_GCM_SHA256"
	ServerName string `json:"server_name,omitempty"` // SNI the client asked for
}

func (s *Store) recordPath(id string) string {
	return filepath.Join(s.dir, dirRecords, id+".json")
}

// writeRecord stores rec as a new file (never replacing one) and, unless the
// store runs without fsync, makes it durable before the message becomes visible.
func (s *Store) writeRecord(rec *Record) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("store: encode record %s: %w", rec.ID, err)
	}
	b = append(b, '\n')
	f, err := os.OpenFile(s.recordPath(rec.ID), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("store: create record: %w", err)
	}
	_, err = f.Write(b)
	if err == nil && !s.opts.NoSync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && !s.opts.NoSync {
		err = syncDir(filepath.Join(s.dir, dirRecords))
	}
	if err != nil {
		_ = os.Remove(s.recordPath(rec.ID))
		return fmt.Errorf("store: write record %s: %w", rec.ID, err)
	}
	return nil
}

// readRecord loads the record of id. A missing record yields an error that
// matches os.ErrNotExist.
func (s *Store) readRecord(id string) (*Record, error) {
	b, err := os.ReadFile(s.recordPath(id))
	if err != nil {
		return nil, fmt.Errorf("store: read record %s: %w", id, err)
	}
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("store: decode record %s: %w", id, err)
	}
	if rec.ID != id {
		return nil, fmt.Errorf("store: record %s names message %q: %w", id, rec.ID, errBadRecord)
	}
	return &rec, nil
}

var errBadRecord = errors.New("store: inconsistent record")
