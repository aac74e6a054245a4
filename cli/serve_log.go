package cli

import (
	"github.com/sirupsen/logrus"

	"letterbox/smtpcore"
)

// printableFormatter passes every log entry's message and string fields
// (errors included) through smtpcore.Printable before the real formatter
// sees them. Peer text reaches the server's log lines (addresses of
// SMTPUTF8 mail, an AUTH identity, errors quoting a client), and neither
// the JSON encoder (which lets C1 controls and bidi overrides through) nor
// a terminal reading the text format should get a peer's control characters.
type printableFormatter struct{ next logrus.Formatter }

// Format escapes a copy of e; the entry the logger holds is not changed.
func (f printableFormatter) Format(e *logrus.Entry) ([]byte, error) {
	c := *e
	c.Message = smtpcore.Printable(e.Message)
	c.Data = make(logrus.Fields, len(e.Data))
	for k, v := range e.Data {
		switch v := v.(type) {
		case string:
			c.Data[k] = smtpcore.Printable(v)
		case error:
			c.Data[k] = smtpcore.Printable(v.Error())
		case interface{ String() string }:
			c.Data[k] = smtpcore.Printable(v.String())
		default:
			c.Data[k] = v
		}
	}
	return f.next.Format(&c)
}
