package store

import (
	"slices"
	"sort"
	"strings"
	"time"

	"letterbox/smtpcore/msg/lint"
)

// Summary is what the inbox shows of a message. The header fields come from
// the message's own header block, the envelope fields from its session record
// (empty for a message another tool dropped into the Maildir).
type Summary struct {
	ID             string
	Received       time.Time   // when the store committed it (file time for foreign files)
	Date           time.Time   // header Date; zero when missing or unreadable
	From           string      // header From, decoded by smtpcore/msg, "Name <addr>"
	To             []string    // header To then Cc, decoded, "Name <addr>" each
	Subject        string      // decoded by smtpcore/msg (RFC 2047, RFC 6532, any charset)
	MailFrom       string      // envelope sender; "" for the null sender or no record
	Rcpts          []string    // envelope recipients, Bcc included
	Size           int64       // bytes on disk
	HasAttachments bool        // an attachment that is not an inline part of the HTML body
	Attachments    []string    // names of every part the message view lists as an attachment ("" = no name)
	Unread         bool        // not yet marked seen (in new/, or in cur/ without S)
	Snippet        string      // start of the text, one line, at most 120 runes
	Findings       lint.Counts // conformance findings by severity (smtpcore/msg/lint), counted at ingest
}

// clone returns a copy whose slices the caller may keep and change.
func (s Summary) clone() Summary {
	s.To = slices.Clone(s.To)
	s.Rcpts = slices.Clone(s.Rcpts)
	s.Attachments = slices.Clone(s.Attachments)
	return s
}

// entry is one message in the in-memory index. Entries are immutable once in
// the index: a change (MarkRead) puts a new entry in place, so a snapshot of
// entry pointers can be read without the lock.
type entry struct {
	sum       Summary
	dir       string // dirNew or dirCur
	name      string // file name inside dir
	hasRecord bool
	keys      []string // lower-case recipient addresses the filters match
	hay       string   // lower-case From, To and Subject that Search scans
}

// newEntry derives the filter fields. Recipients are the envelope ones; a
// message without a record is filed under its header To and Cc instead.
func newEntry(sum Summary, dir, name string, hasRecord bool) *entry {
	e := &entry{sum: sum, dir: dir, name: name, hasRecord: hasRecord}
	e.sum.Unread = unread(dir, name)
	src := sum.Rcpts
	if len(src) == 0 {
		src = sum.To
	}
	seen := make(map[string]bool, len(src))
	for _, r := range src {
		a := addrOnly(r)
		if a != "" && !seen[a] {
			seen[a] = true
			e.keys = append(e.keys, a)
		}
	}
	e.hay = searchFold(sum.From + "\x00" + strings.Join(sum.To, "\x00") + "\x00" + sum.Subject)
	return e
}

// moved returns a copy of e whose file now lives at dir/name.
func (e *entry) moved(dir, name string) *entry {
	n := *e
	n.dir, n.name = dir, name
	n.sum.Unread = unread(dir, name)
	return &n
}

// addrOnly returns the lower-case address inside a display form "Name <addr>".
func addrOnly(display string) string {
	if i := strings.LastIndexByte(display, '<'); i >= 0 {
		if j := strings.IndexByte(display[i:], '>'); j > 0 {
			display = display[i+1 : i+j]
		}
	}
	return strings.ToLower(strings.TrimSpace(display))
}

// domainOf returns the part of a lower-case address after the last '@'.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

// index is the in-memory view of the store. The Store's mutex guards it.
type index struct {
	byID   map[string]*entry
	sorted []*entry // oldest first by (Received, ID): List walks it backwards
	unread int
	rcpts  map[string]map[string]int // domain → address → messages
}

func newIndex(n int) *index {
	return &index{
		byID:   make(map[string]*entry, n),
		sorted: make([]*entry, 0, n),
		rcpts:  map[string]map[string]int{},
	}
}

func older(a, b *entry) bool {
	if !a.sum.Received.Equal(b.sum.Received) {
		return a.sum.Received.Before(b.sum.Received)
	}
	return a.sum.ID < b.sum.ID
}

// pos returns where e sits (or would sit) in x.sorted.
func (x *index) pos(e *entry) int {
	return sort.Search(len(x.sorted), func(i int) bool { return !older(x.sorted[i], e) })
}

// add puts e in the index; an entry with the same id is replaced. Deliveries
// arrive roughly in time order, so the insert is usually an append.
func (x *index) add(e *entry) {
	if old := x.byID[e.sum.ID]; old != nil {
		x.remove(old.sum.ID)
	}
	x.byID[e.sum.ID] = e
	if n := len(x.sorted); n == 0 || older(x.sorted[n-1], e) {
		x.sorted = append(x.sorted, e)
	} else {
		x.sorted = slices.Insert(x.sorted, x.pos(e), e)
	}
	x.count(e, 1)
}

// bulk builds the index from entries in any order, faster than add one by one.
func (x *index) bulk(es []*entry) {
	for _, e := range es {
		if x.byID[e.sum.ID] != nil {
			continue
		}
		x.byID[e.sum.ID] = e
		x.sorted = append(x.sorted, e)
		x.count(e, 1)
	}
	slices.SortFunc(x.sorted, func(a, b *entry) int {
		switch {
		case older(a, b):
			return -1
		case older(b, a):
			return 1
		}
		return 0
	})
}

// remove takes id out of the index and returns its entry, or nil.
func (x *index) remove(id string) *entry {
	e := x.byID[id]
	if e == nil {
		return nil
	}
	delete(x.byID, id)
	if i := x.pos(e); i < len(x.sorted) && x.sorted[i] == e {
		x.sorted = slices.Delete(x.sorted, i, i+1)
	}
	x.count(e, -1)
	return e
}

// swap replaces the entry of the same id and time with e (a flag change).
func (x *index) swap(e *entry) {
	old := x.byID[e.sum.ID]
	if old == nil {
		return
	}
	x.byID[e.sum.ID] = e
	if i := x.pos(old); i < len(x.sorted) && x.sorted[i] == old {
		x.sorted[i] = e
	}
	x.count(old, -1)
	x.count(e, 1)
}

// count adds d (±1) to the counters that e contributes to.
func (x *index) count(e *entry, d int) {
	if e.sum.Unread {
		x.unread += d
	}
	for _, a := range e.keys {
		dom := domainOf(a)
		m := x.rcpts[dom]
		if m == nil {
			m = map[string]int{}
			x.rcpts[dom] = m
		}
		if m[a] += d; m[a] <= 0 {
			delete(m, a)
		}
		if len(m) == 0 {
			delete(x.rcpts, dom)
		}
	}
}
