package certs

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"time"
)

// MaxTicketAge is how long after the full handshake that made it a session
// ticket is accepted (issue 13 §7). crypto/tls alone accepts tickets for 7
// days (RFC 8446 §4.6.1's upper bound): its ticket keys rotate every 24 hours
// but stay valid for a week.
const MaxTicketAge = 24 * time.Hour

// ticketStamp tags the Extra entry that holds a ticket's creation time.
var ticketStamp = []byte("letterbox-ticket-created:")

// ticketPolicy bounds the life of session tickets through the
// tls.Config.WrapSession and UnwrapSession hooks: each ticket carries the
// time of the full handshake it descends from (in SessionState.Extra,
// encrypted with the rest of the ticket), and a ticket older than
// MaxTicketAge, or without that time, is ignored: the client falls back to a
// full handshake. The clock is config.Time when set (tests move it).
type ticketPolicy struct{ config *tls.Config }

func (p ticketPolicy) now() time.Time {
	if p.config.Time != nil {
		return p.config.Time()
	}
	return time.Now()
}

// wrap stamps a ticket and encrypts it with crypto/tls's rotating keys. A
// TLS 1.2 connection that was itself resumed gets a ticket without a stamp,
// which unwrap refuses: TLS 1.2 resumption reuses the master secret, so
// stamping it "now" would let a chain of resumptions outlive MaxTicketAge.
// A resumed TLS 1.3 connection ran a fresh ECDHE (crypto/tls only accepts
// psk_dhe_ke, RFC 8446 §4.2.9), so its tickets start a new life.
func (p ticketPolicy) wrap(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
	if !(cs.DidResume && cs.Version < tls.VersionTLS13) {
		stamp := binary.BigEndian.AppendUint64(bytes.Clone(ticketStamp), uint64(p.now().Unix()))
		ss.Extra = append(ss.Extra, stamp)
	}
	return p.config.EncryptTicket(cs, ss)
}

// unwrap decrypts a ticket and accepts it only when its stamp is at most
// MaxTicketAge old (and not from the future beyond a minute of clock step).
// (nil, nil) tells crypto/tls to ignore the ticket; an error would abort the
// handshake.
func (p ticketPolicy) unwrap(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
	ss, err := p.config.DecryptTicket(identity, cs)
	if err != nil || ss == nil {
		return nil, nil
	}
	for _, e := range ss.Extra {
		rest, ok := bytes.CutPrefix(e, ticketStamp)
		if !ok || len(rest) != 8 {
			continue
		}
		age := p.now().Sub(time.Unix(int64(binary.BigEndian.Uint64(rest)), 0))
		if age <= MaxTicketAge && age >= -time.Minute {
			return ss, nil
		}
		return nil, nil
	}
	return nil, nil
}
