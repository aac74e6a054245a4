package app

import (
	"io"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
	"letterbox/smtpcore/msg"
)

// InboxStore is what the inbox and the message view need of the mail store.
// *store.Store satisfies it; tests may give a fake.
type InboxStore interface {
	List(q store.Query) (items []store.Summary, total int, err error)
	Get(id string) (store.Summary, error)
	Record(id string) (*store.Record, error)
	Open(id string) (io.ReadCloser, error)
	MarkRead(id string) error
	Delete(id string) error
	DeleteAll() error
	Counts() (total, unread int)
	Domains() []string
	Recipients(domain string) []string
	Subscribe(buffer int) (events <-chan store.Event, cancel func())
}

// inboxSearchDelay is how long the search box waits after the last key before
// it queries the store.
const inboxSearchDelay = 250 * time.Millisecond

// Inbox is the Inbox tab: a mailbox tree (All, recipient domains, recipients),
// a searchable virtualised message list and the message view. It follows the
// store live through Subscribe.
//
// All methods and callbacks run on the Fyne goroutine unless said otherwise;
// store calls run through the async seam and their results come back through
// the UI seam (fyne.Do in the app).
type Inbox struct {
	// OnUnread is called on the Fyne goroutine when the unread count changes.
	OnUnread func(unread int)
	// OnReply and OnForward receive a draft for Compose (Fyne goroutine). A
	// reply leaves From empty so Compose keeps the sender it remembers.
	OnReply, OnForward func(d msg.Draft)
	// Window hosts dialogs; set it before Build.
	Window fyne.Window

	st    InboxStore
	async func(func())
	// ui runs f on the Fyne goroutine: fyne.Do in the app; tests swap it for
	// a pump with setUI so that nothing touches widgets from two goroutines.
	uiMu sync.Mutex
	ui   func(func())

	debounce time.Duration
	files    *messageFiles

	list       *inboxList
	tree       *inboxTree
	view       *MessageView
	search     *searchEntry
	bodies     *widget.Check
	status     *widget.Label
	query      store.Query
	searchTick *time.Timer
	searchSeq  int

	// under the list: the count or selection, and actions on the selection
	markBtn, delSelBtn *widget.Button
	empty              *inboxEmpty
	serverAddr         string // where the local server listens, "" when off
	storeTotal         int    // messages in the store, for Delete all
	applied            int    // batches of store events applied (tests)

	unread      int
	foreground  bool
	events      *inboxEvents
	cancelWatch func()
	built       bool
}

// NewInbox returns an inbox over st. async runs slow work (nil means go f()).
func NewInbox(st InboxStore, async func(func())) *Inbox {
	if async == nil {
		async = func(f func()) { go f() }
	}
	in := &Inbox{
		st:         st,
		async:      async,
		ui:         fyne.Do,
		debounce:   inboxSearchDelay,
		foreground: true,
		unread:     -1,
		files:      &messageFiles{},
	}
	in.events = &inboxEvents{in: in, stop: make(chan struct{})}
	return in
}

// setUI replaces the UI seam (tests). Safe from any goroutine.
func (in *Inbox) setUI(f func(func())) {
	in.uiMu.Lock()
	in.ui = f
	in.uiMu.Unlock()
}

// runUI runs f on the Fyne goroutine. Safe from any goroutine.
func (in *Inbox) runUI(f func()) {
	in.uiMu.Lock()
	ui := in.ui
	in.uiMu.Unlock()
	ui(f)
}

// Build makes the inbox's widgets, starts following the store and loads the
// first page. Call it once, on the Fyne goroutine.
func (in *Inbox) Build() fyne.CanvasObject {
	in.built = true
	in.view = newMessageView(in.st, in.async, in.runUI, in.files)
	in.view.Window = in.Window
	in.view.OnReply = func(d msg.Draft) {
		if in.OnReply != nil {
			in.OnReply(d)
		}
	}
	in.view.OnForward = func(d msg.Draft) {
		if in.OnForward != nil {
			in.OnForward(d)
		}
	}
	in.view.OnDeleted = in.onViewDeleted

	in.list = newInboxList(in)
	in.tree = newInboxTree(in)
	in.search = newSearchEntry(in.intoResults)
	in.search.SetPlaceHolder("Search from, to, subject")
	in.search.OnChanged = func(string) { in.searchChanged() }
	in.search.OnSubmitted = func(string) { in.applySearch() }
	in.bodies = widget.NewCheck("Search bodies", func(bool) { in.applySearch() })
	in.status = widget.NewLabel("")
	in.status.Truncation = fyne.TextTruncateEllipsis
	in.markBtn = widget.NewButtonWithIcon("Mark unread", theme.MailComposeIcon(), in.ToggleRead)
	in.delSelBtn = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), in.DeleteSelected)
	in.delSelBtn.Hide()
	in.empty = newInboxEmpty()
	viewObj := in.view.Build()
	in.syncDeleteAll()

	// Children in visual order, so that Tab goes search, list, buttons
	// (container.NewBorder puts the centre first).
	top := container.NewVBox(in.search, in.bodies)
	footer := container.NewVBox(in.status, container.NewHBox(in.markBtn, in.delSelBtn))
	middle := container.New(layout.NewBorderLayout(top, footer, nil, nil),
		top, container.NewStack(in.list.widget, in.empty.box), footer)
	// The list keeps room for its rows and a search field a person can use.
	right := container.NewHSplit(withMinSize(fyne.NewSize(250, 200), middle), viewObj)
	right.Offset = 0.38
	split := container.NewHSplit(in.tree.widget, right)
	split.Offset = 0.16

	in.watchForeground()
	events, cancel := in.st.Subscribe(256)
	in.cancelWatch = cancel
	go in.events.loop(events)
	in.list.reset()
	in.events.refreshMailboxes()
	in.updateActions()
	return split
}

// watchForeground tracks whether the app has the focus, to decide on desktop
// notifications. It uses the app's lifecycle hooks; a window that needs those
// hooks too should call SetForeground from its own instead.
func (in *Inbox) watchForeground() {
	a := fyne.CurrentApp()
	if a == nil {
		return
	}
	a.Lifecycle().SetOnEnteredForeground(func() { in.SetForeground(true) })
	a.Lifecycle().SetOnExitedForeground(func() { in.SetForeground(false) })
}

// SetForeground tells the inbox whether the app has the input focus; new
// mail is announced with a desktop notification only when it has not.
func (in *Inbox) SetForeground(fg bool) { in.foreground = fg }

// FocusSearch puts the keyboard focus in the search box (Ctrl+F).
func (in *Inbox) FocusSearch() {
	if in.search == nil || in.Window == nil {
		return
	}
	in.Window.Canvas().Focus(in.search)
}

// Select shows the message id, selecting its row when it is on a loaded page
// (the transcript links to a queued message this way). Search and mailbox
// filters are cleared if they would hide it.
func (in *Inbox) Select(id string) {
	if in.view == nil || id == "" {
		return
	}
	if row, ok := in.list.indexOf(id); ok {
		in.list.selectRow(row)
		return
	}
	if in.query.Search != "" || in.query.Domain != "" || in.query.Recipient != "" {
		in.search.SetText("")
		in.tree.selectAll()
		in.setQuery(store.Query{})
	}
	in.list.openID(id)
}

// Close stops following the store and removes the temporary files made to
// open attachments and HTML in other programs. Call it when the window closes.
func (in *Inbox) Close() {
	if in.cancelWatch != nil {
		in.cancelWatch()
		in.cancelWatch = nil
		close(in.events.stop)
	}
	if in.searchTick != nil {
		in.searchTick.Stop()
	}
	in.files.removeAll()
}

// searchChanged restarts the debounce timer after a key in the search box.
func (in *Inbox) searchChanged() {
	if in.debounce <= 0 {
		in.applySearch()
		return
	}
	in.searchSeq++
	seq := in.searchSeq
	if in.searchTick != nil {
		in.searchTick.Stop()
	}
	in.searchTick = time.AfterFunc(in.debounce, func() {
		in.runUI(func() {
			if seq == in.searchSeq {
				in.applySearch()
			}
		})
	})
}

// applySearch runs the search box's query now.
func (in *Inbox) applySearch() {
	in.searchSeq++
	q := in.query
	q.Search = in.search.Text
	q.SearchBody = in.bodies.Checked && q.Search != ""
	in.setQuery(q)
}

// setQuery changes the list's filter and reloads it.
func (in *Inbox) setQuery(q store.Query) {
	q.Offset, q.Limit = 0, 0
	if q == in.query {
		return
	}
	in.query = q
	in.list.reset()
}

// setUnread records the unread count and tells the window when it changed.
func (in *Inbox) setUnread(n int) {
	if n == in.unread {
		return
	}
	in.unread = n
	if in.OnUnread != nil {
		in.OnUnread(n)
	}
}
