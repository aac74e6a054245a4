package app

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"letterbox/server/store"
)

func TestInboxListNewestFirstUnreadBold(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		for _, s := range []string{"first", "second", "third"} {
			inboxDeliver(t, st, inboxSimple("Ann <ann@a.test>", "bob@b.test", s, "body of "+s), inboxRecord("ann@a.test", "bob@b.test"))
		}
	})
	f.waitTotal(t, 3)
	var got []string
	for i := 0; i < 3; i++ {
		s, ok := f.in.list.summaryAt(i)
		if !ok {
			t.Fatalf("summaryAt(%d) not loaded", i)
		}
		got = append(got, s.Subject)
	}
	if want := []string{"third", "second", "first"}; !slices.Equal(got, want) {
		t.Errorf("list order = %q, want %q (newest first)", got, want)
	}
	rows := f.rows()
	for _, s := range []string{"first", "second", "third"} {
		r := rows[s]
		if r == nil {
			t.Fatalf("no drawn row for %q; rows: %v", s, rows)
		}
		if !r.from.TextStyle.Bold || !r.subject.TextStyle.Bold {
			t.Errorf("unread row %q: bold = %v/%v, want bold", s, r.from.TextStyle.Bold, r.subject.TextStyle.Bold)
		}
		if r.from.Text != "Ann <ann@a.test>" {
			t.Errorf("row %q from = %q, want %q", s, r.from.Text, "Ann <ann@a.test>")
		}
	}
	for i, want := range []string{"third", "second", "first"} {
		r := f.in.list.widget.CreateItem().(*inboxRow)
		f.in.list.widget.UpdateItem(i, r)
		if r.subject.Text != want || !r.subject.TextStyle.Bold {
			t.Errorf("row %d draws %q (bold %v), want %q in bold", i, r.subject.Text, r.subject.TextStyle.Bold, want)
		}
	}
	if n := f.unread[len(f.unread)-1]; n != 3 {
		t.Errorf("OnUnread last got %d, want 3", n)
	}

	d := f.selectSubject(t, "second")
	f.pump.waitFor(t, "the row to turn not bold and the unread count to drop", func() bool {
		r := f.rows()["second"]
		return r != nil && !r.subject.TextStyle.Bold && f.unread[len(f.unread)-1] == 2
	})
	if sum, err := f.st.Get(d.id); err != nil || sum.Unread {
		t.Errorf("store Get(%s) after selecting = Unread %v, err %v; want read", d.id, sum.Unread, err)
	}
	if !rows["first"].subject.TextStyle.Bold {
		t.Errorf("row first lost its bold though it was not opened")
	}
}

func TestInboxLiveDelivery(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", "old", "x"), inboxRecord("a@a.test", "b@b.test"))
	})
	f.waitTotal(t, 1)
	f.in.SetForeground(false)
	test.AssertNotificationSent(t, fyne.NewNotification("New mail from Zed <zed@z.test>", "hot off the wire"), func() {
		inboxDeliver(t, f.st, inboxSimple("Zed <zed@z.test>", "new@c.test", "hot off the wire", "y"), inboxRecord("zed@z.test", "new@c.test"))
		f.pump.waitFor(t, "the new message at the top", func() bool {
			s, ok := f.in.list.summaryAt(0)
			return f.in.list.total == 2 && ok && s.Subject == "hot off the wire"
		})
	})
	if r := f.rows()["hot off the wire"]; r == nil || !r.subject.TextStyle.Bold {
		t.Errorf("new row = %v, want drawn in bold", r)
	}
	f.pump.waitFor(t, "the tree to list the new domain", func() bool {
		return slices.Contains(f.in.tree.children(""), inboxTreeDomain+"c.test")
	})
	if got := f.unread[len(f.unread)-1]; got != 2 {
		t.Errorf("OnUnread = %d after a delivery, want 2", got)
	}

	f.in.SetForeground(true)
	test.AssertNotificationSent(t, nil, func() {
		inboxDeliver(t, f.st, inboxSimple("q@q.test", "b@b.test", "while focused", "z"), inboxRecord("q@q.test", "b@b.test"))
		f.waitTotal(t, 3)
	})
}

func TestInboxLiveBurstKeepsSelection(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", "keep me", "x"), inboxRecord("a@a.test", "b@b.test"))
	})
	f.waitTotal(t, 1)
	d := f.selectSubject(t, "keep me")
	for i := range 20 {
		inboxDeliver(t, f.st, inboxSimple("a@a.test", "b@b.test", fmt.Sprintf("burst %d", i), "x"), inboxRecord("a@a.test", "b@b.test"))
	}
	f.waitTotal(t, 21)
	if f.in.view.data == nil || f.in.view.data.id != d.id {
		t.Fatalf("the view lost the selected message during a burst of deliveries")
	}
	f.pump.waitFor(t, "the selection to follow its message to row 20", func() bool { return f.in.list.selRow == 20 })
}

func TestInboxDeleteSelected(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", "doomed", "x"), inboxRecord("a@a.test", "b@b.test"))
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", "kept", "x"), inboxRecord("a@a.test", "b@b.test"))
	})
	f.waitTotal(t, 2)
	d := f.selectSubject(t, "doomed")
	f.in.DeleteSelected()
	f.waitTotal(t, 1)
	if _, err := f.st.Get(d.id); err == nil {
		t.Errorf("store still has %s after DeleteSelected", d.id)
	}
	if s, _ := f.in.list.summaryAt(0); s.Subject != "kept" {
		t.Errorf("remaining row = %q, want %q", s.Subject, "kept")
	}
	f.pump.waitFor(t, "the view to show the message that is left", func() bool {
		return f.in.view.data != nil && f.in.view.data.id != d.id && f.in.list.selRow == 0
	})
}

// The Delete key deletes the shown message when the list has the focus (the
// window's handler never sees keys a focused widget takes).
func TestInboxDeleteKeyInList(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", "doomed", "x"), inboxRecord("a@a.test", "b@b.test"))
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", "kept", "x"), inboxRecord("a@a.test", "b@b.test"))
	})
	f.waitTotal(t, 2)
	d := f.selectSubject(t, "doomed")
	f.in.list.widget.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // still a list: arrows move the highlight
	f.in.list.widget.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	f.waitTotal(t, 1)
	if _, err := f.st.Get(d.id); err == nil {
		t.Errorf("store still has %s after the Delete key", d.id)
	}
}

func TestInboxDeleteAllAsksFirst(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		for i := range 3 {
			inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", fmt.Sprint("m", i), "x"), inboxRecord("a@a.test", "b@b.test"))
		}
	})
	f.waitTotal(t, 3)
	for _, confirm := range []bool{false, true} {
		test.Tap(f.in.view.delAll)
		top := f.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatalf("Delete all showed no confirmation")
		}
		text := "Cancel"
		if confirm {
			text = "Delete all"
		}
		b := inboxFindButton(top, text)
		if b == nil {
			t.Fatalf("confirmation has no %q button; labels: %q", text, inboxLabels(top))
		}
		test.Tap(b)
		f.pump.drain()
		want := 3
		if confirm {
			want = 0
		}
		f.waitTotal(t, want)
		if total, _ := f.st.Counts(); total != want {
			t.Errorf("after answering %q the store holds %d messages, want %d", text, total, want)
		}
	}
}

func TestInboxSearch(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, inboxSimple("billing@shop.test", "me@home.test", "Your invoice", "total due"), inboxRecord("billing@shop.test", "me@home.test"))
		inboxDeliver(t, st, inboxSimple("friend@pals.test", "me@home.test", "Lunch?", "the secret word is pineapple"), inboxRecord("friend@pals.test", "me@home.test"))
		inboxDeliver(t, st, inboxSimple("news@paper.test", "other@home.test", "Daily news", "headlines"), inboxRecord("news@paper.test", "other@home.test"))
	})
	f.waitTotal(t, 3)
	tests := []struct {
		name   string
		search string
		bodies bool
		want   []string
	}{
		{"subject", "invoice", false, []string{"Your invoice"}},
		{"from", "FRIEND@", false, []string{"Lunch?"}},
		{"to", "other@home", false, []string{"Daily news"}},
		{"body word without bodies", "pineapple", false, nil},
		{"body word with bodies", "pineapple", true, []string{"Lunch?"}},
		{"cleared", "", false, []string{"Daily news", "Lunch?", "Your invoice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.in.bodies.SetChecked(tc.bodies)
			f.in.search.SetText("")
			test.Type(f.in.search, tc.search)
			f.waitTotal(t, len(tc.want))
			var got []string
			for i := 0; i < f.in.list.total; i++ {
				s, _ := f.in.list.summaryAt(i)
				got = append(got, s.Subject)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("search %q (bodies %v) lists %q, want %q", tc.search, tc.bodies, got, tc.want)
			}
		})
	}
}

func TestInboxSearchDebounced(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", "alpha", "x"), inboxRecord("a@a.test", "b@b.test"))
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", "beta", "x"), inboxRecord("a@a.test", "b@b.test"))
	})
	f.waitTotal(t, 2)
	f.in.debounce = 20 * time.Millisecond
	test.Type(f.in.search, "alp")
	if f.in.query.Search != "" {
		t.Errorf("query changed to %q before the debounce delay", f.in.query.Search)
	}
	f.waitTotal(t, 1)
	if f.in.query.Search != "alp" {
		t.Errorf("query after debounce = %q, want %q (one query for the whole word)", f.in.query.Search, "alp")
	}
}

func TestInboxMailboxTree(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, inboxSimple("a@a.test", "one@first.test", "to first", "x"), inboxRecord("a@a.test", "one@first.test"))
		inboxDeliver(t, st, inboxSimple("a@a.test", "x@second.test", "to second x", "x"), inboxRecord("a@a.test", "x@second.test"))
		inboxDeliver(t, st, inboxSimple("a@a.test", "y@second.test", "to second y", "x"), inboxRecord("a@a.test", "y@second.test", "hidden@first.test"))
	})
	f.waitTotal(t, 3)
	tr := f.in.tree
	if got, want := tr.children(""), []string{"all", "d:first.test", "d:second.test"}; !slices.Equal(got, want) {
		t.Errorf("tree roots = %q, want %q", got, want)
	}
	if got, want := tr.children("d:first.test"), []string{"r:hidden@first.test", "r:one@first.test"}; !slices.Equal(got, want) {
		t.Errorf("first.test children = %q, want %q", got, want)
	}
	tests := []struct {
		uid  string
		want int
	}{
		{"d:second.test", 2},
		{"r:x@second.test", 1},
		{"r:hidden@first.test", 1}, // a Bcc recipient has a mailbox too
		{"d:first.test", 2},
		{"all", 3},
	}
	for _, tc := range tests {
		tr.widget.Select(tc.uid)
		f.waitTotal(t, tc.want)
	}
	// The last message of a mailbox goes: the tree falls back to All.
	tr.widget.Select("r:x@second.test")
	f.waitTotal(t, 1)
	f.selectSubject(t, "to second x")
	f.in.DeleteSelected()
	f.pump.waitFor(t, "the tree to fall back to All", func() bool {
		return tr.selected == inboxTreeAll && !slices.Contains(tr.children("d:second.test"), "r:x@second.test")
	})
	f.waitTotal(t, 2)
}

// countingStore records the List calls the inbox makes.
type countingStore struct {
	*store.Store
	mu     sync.Mutex
	limits []int
}

func (c *countingStore) List(q store.Query) ([]store.Summary, int, error) {
	c.mu.Lock()
	c.limits = append(c.limits, q.Limit)
	c.mu.Unlock()
	return c.Store.List(q)
}

func TestInboxPagesNeverLoadEverything(t *testing.T) {
	test.NewTempApp(t)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 3*inboxPageSize + 17
	for i := range n {
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", fmt.Sprintf("msg %03d", i), "x"), store.Record{
			MailFrom: "a@a.test", Rcpts: []string{"b@b.test"}, Received: time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC)})
	}
	cs := &countingStore{Store: st}
	pump := newInboxPump()
	in := NewInbox(cs, func(f func()) { f() })
	in.setUI(pump.post)
	w := test.NewTempWindow(t, in.Build())
	w.Resize(fyne.NewSize(1000, 600))
	defer in.Close()
	pump.waitFor(t, "the first page", func() bool { return in.list.total == n })
	in.list.widget.ScrollToBottom()
	pump.waitFor(t, "the last page", func() bool {
		s, ok := in.list.summaryAt(n - 1)
		return ok && s.Subject == "msg 000"
	})
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, l := range cs.limits {
		if l != inboxPageSize {
			t.Fatalf("List called with Limit %d, want every call paged by %d", l, inboxPageSize)
		}
	}
	if pages := len(in.list.pages); pages >= (n+inboxPageSize-1)/inboxPageSize+1 {
		t.Errorf("%d pages cached, more than the list has", pages)
	}
	if _, ok := in.list.summaryAt(inboxPageSize + 5); ok && len(cs.limits) < 2 {
		t.Errorf("middle page loaded without a List call")
	}
}

func TestInboxDate(t *testing.T) {
	now := time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2024, 6, 15, 8, 5, 0, 0, time.UTC), "08:05"},
		{time.Date(2024, 6, 14, 23, 59, 0, 0, time.UTC), "Jun 14"},
		{time.Date(2023, 6, 15, 8, 5, 0, 0, time.UTC), "2023-06-15"},
		{time.Time{}, ""},
	}
	for _, tc := range tests {
		if got := inboxDate(tc.t, now); got != tc.want {
			t.Errorf("inboxDate(%v, %v) = %q, want %q", tc.t, now, got, tc.want)
		}
	}
}

func TestInboxRowLayout(t *testing.T) {
	test.NewTempApp(t)
	r := newInboxRow()
	r.set(store.Summary{
		From: "Ann Example <ann@example.test>", Subject: "Quarterly report with figures",
		Received: time.Date(2020, 3, 4, 5, 6, 7, 0, time.UTC), Size: 52_400, HasAttachments: true, Unread: true,
	}, false)
	w := test.NewTempWindow(t, r)
	w.Resize(fyne.NewSize(420, r.MinSize().Height+2*8))
	test.AssertRendersToMarkup(t, "inbox_row_unread.xml", w.Canvas())

	r.set(store.Summary{From: "", MailFrom: "bounce@example.test", Received: time.Date(2020, 3, 4, 5, 6, 7, 0, time.UTC), Size: 900}, false)
	if r.subject.Text != "(no subject)" || r.from.Text != "bounce@example.test" || r.from.TextStyle.Bold || r.clip.Visible() || r.dot.Visible() {
		t.Errorf("read row without From/Subject/attachments = from %q subject %q bold %v clip shown %v unread dot %v",
			r.from.Text, r.subject.Text, r.from.TextStyle.Bold, r.clip.Visible(), r.dot.Visible())
	}
}

func TestInboxCount(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {100000, "100,000"}, {1234567, "1,234,567"}, {-1234, "-1,234"}}
	for _, tc := range tests {
		if got := inboxCount(tc.n); got != tc.want {
			t.Errorf("inboxCount(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
