package app

import (
	"bytes"
	"strings"

	"letterbox/smtpcore/msg"
)

// messageCIDResolver finds the parts of message id that an HTML body
// names with cid: URLs (RFC 2392: the Content-ID without its angle
// brackets) and reads one on demand, transfer-decoded, from the store.
// Parts over htmlImageMaxBytes are not read. The resolver does I/O: call
// it off the Fyne goroutine (htmlView does).
func messageCIDResolver(st InboxStore, id string, parts []msg.Part) htmlResolver {
	byCID := map[string]msg.Part{}
	for _, p := range parts {
		for _, f := range p.Header {
			if strings.EqualFold(f[0], "Content-ID") {
				cid := strings.TrimSpace(f[1])
				cid = strings.TrimSuffix(strings.TrimPrefix(cid, "<"), ">")
				if _, dup := byCID[cid]; !dup && cid != "" {
					byCID[cid] = p
				}
			}
		}
	}
	if len(byCID) == 0 {
		return nil
	}
	return func(cid string) ([]byte, string, bool) {
		p, ok := byCID[cid]
		if !ok || p.Size > htmlImageMaxBytes {
			return nil, "", false
		}
		rc, err := st.Open(id)
		if err != nil {
			return nil, "", false
		}
		defer rc.Close()
		var buf bytes.Buffer
		if err := msg.ExtractPart(rc, p.Path, &buf); err != nil {
			return nil, "", false
		}
		return buf.Bytes(), p.ContentType, true
	}
}
