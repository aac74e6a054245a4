package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
)

// Tree node ids of the mailbox tree.
const (
	inboxTreeAll    = "all"
	inboxTreeDomain = "d:" // + domain
	inboxTreeRcpt   = "r:" // + address
	// inboxTreeOpenMax is how many domains the tree opens by itself.
	inboxTreeOpenMax = 12
)

// inboxMailboxes is the tree's content: recipient domains, each with its
// recipient addresses, all lower case and sorted.
type inboxMailboxes struct {
	domains []string
	rcpts   map[string][]string
}

// loadMailboxes reads the mailboxes from st (off the UI goroutine). One
// Recipients call serves every domain.
func inboxLoadMailboxes(st InboxStore) inboxMailboxes {
	m := inboxMailboxes{rcpts: map[string][]string{}}
	for _, d := range st.Domains() {
		if d != "" {
			m.domains = append(m.domains, d)
		}
	}
	for _, a := range st.Recipients("") {
		d := a
		if i := strings.LastIndexByte(a, '@'); i >= 0 {
			d = a[i+1:]
		}
		if d != "" {
			m.rcpts[d] = append(m.rcpts[d], a)
		}
	}
	return m
}

// inboxTree is the mailbox tree: "All", then each recipient domain with its
// recipients. Selecting one filters the list.
type inboxTree struct {
	in       *Inbox
	widget   *widget.Tree
	data     inboxMailboxes
	selected string
	opened   map[string]bool // domains opened once, by us or the user
}

func newInboxTree(in *Inbox) *inboxTree {
	t := &inboxTree{in: in, selected: inboxTreeAll, opened: map[string]bool{}}
	t.widget = widget.NewTree(t.children, t.isBranch, t.create, t.update)
	t.widget.OnSelected = t.onSelected
	t.widget.Select(inboxTreeAll)
	return t
}

func (t *inboxTree) children(uid widget.TreeNodeID) []widget.TreeNodeID {
	switch {
	case uid == "":
		out := make([]string, 0, len(t.data.domains)+1)
		out = append(out, inboxTreeAll)
		for _, d := range t.data.domains {
			out = append(out, inboxTreeDomain+d)
		}
		return out
	case strings.HasPrefix(uid, inboxTreeDomain):
		rs := t.data.rcpts[strings.TrimPrefix(uid, inboxTreeDomain)]
		out := make([]string, len(rs))
		for i, a := range rs {
			out[i] = inboxTreeRcpt + a
		}
		return out
	}
	return nil
}

func (t *inboxTree) isBranch(uid widget.TreeNodeID) bool {
	return uid == "" || strings.HasPrefix(uid, inboxTreeDomain)
}

func (t *inboxTree) create(bool) fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, l)
}

func (t *inboxTree) update(uid widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	l, icon := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Icon)
	switch {
	case uid == inboxTreeAll:
		l.SetText("All messages")
		icon.SetResource(theme.MailComposeIcon())
	case strings.HasPrefix(uid, inboxTreeDomain):
		l.SetText(strings.TrimPrefix(uid, inboxTreeDomain))
		icon.SetResource(theme.StorageIcon())
	default:
		l.SetText(strings.TrimPrefix(uid, inboxTreeRcpt))
		icon.SetResource(theme.AccountIcon())
	}
}

// onSelected filters the list to the chosen mailbox, keeping the search.
func (t *inboxTree) onSelected(uid widget.TreeNodeID) {
	t.selected = uid
	q := t.in.query
	q.Domain, q.Recipient = "", ""
	switch {
	case strings.HasPrefix(uid, inboxTreeDomain):
		q.Domain = strings.TrimPrefix(uid, inboxTreeDomain)
	case strings.HasPrefix(uid, inboxTreeRcpt):
		q.Recipient = strings.TrimPrefix(uid, inboxTreeRcpt)
	}
	if t.in.list != nil {
		t.in.setQuery(q)
	}
}

// selectAll selects "All messages".
func (t *inboxTree) selectAll() { t.widget.Select(inboxTreeAll) }

// setData replaces the tree's content. A mailbox that is gone falls back to
// All; new domains are opened while there are few.
func (t *inboxTree) setData(m inboxMailboxes) {
	t.data = m
	if t.selected != inboxTreeAll && !t.has(t.selected) {
		t.selectAll()
	}
	if len(m.domains) <= inboxTreeOpenMax {
		var fresh []string
		for _, d := range m.domains {
			if !t.opened[d] {
				t.opened[d] = true
				fresh = append(fresh, d)
			}
		}
		switch {
		case len(fresh) == len(m.domains) && len(fresh) > 0:
			t.widget.OpenAllBranches() // first load: one redraw, not one per domain
			return
		default:
			for _, d := range fresh {
				t.widget.OpenBranch(inboxTreeDomain + d)
			}
		}
	}
	t.widget.Refresh()
}

// has reports whether uid is in the current data.
func (t *inboxTree) has(uid string) bool {
	switch {
	case strings.HasPrefix(uid, inboxTreeDomain):
		_, ok := t.data.rcpts[strings.TrimPrefix(uid, inboxTreeDomain)]
		return ok
	case strings.HasPrefix(uid, inboxTreeRcpt):
		a := strings.TrimPrefix(uid, inboxTreeRcpt)
		for _, r := range t.data.rcpts[a[strings.LastIndexByte(a, '@')+1:]] {
			if r == a {
				return true
			}
		}
		return false
	}
	return true
}

// queryLabel says in words what the list shows, for the status line.
func inboxQueryLabel(q store.Query) string {
	switch {
	case q.Recipient != "":
		return "to " + q.Recipient
	case q.Domain != "":
		return "to @" + q.Domain
	}
	return ""
}
