package web

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/goleak"

	"netstudy/app/catalog"
)

// pagerContent is three notes; the home page lists them by title.
func pagerContent() fstest.MapFS {
	return fstest.MapFS{
		"c.md": {Data: []byte("# Charlie: transport\n\nPorts and segments.\n")},
		"a.md": {Data: []byte("# Alpha: physical\n\nBits on a wire.\n")},
		"b.md": {Data: []byte("# Bravo & links\n\nFrames and switches.\n")},
	}
}

var (
	pagerNav  = regexp.MustCompile(`(?s)<nav class="note-pager" aria-label="Previous and next notes">.*?</nav>`)
	pagerLink = regexp.MustCompile(`(?s)<a href="([^"]+)" rel="(prev|next)">.*?<span class="note-pager-title">(.*?)</span>`)
	homeLink  = regexp.MustCompile(`<a href="(/notes/[^"]+)"`)
)

func TestNotePagePreviousAndNextLinks(t *testing.T) {
	ts := newTestServer(t, pagerContent())

	// The pager follows the home page's list.
	_, home, _ := get(t, ts, "/")
	var order []string
	for _, m := range homeLink.FindAllStringSubmatch(home, -1) {
		order = append(order, m[1])
	}
	if strings.Join(order, " ") != "/notes/a /notes/b /notes/c" {
		t.Fatalf("home lists %q", order)
	}

	tests := []struct {
		page string
		want []string // rel, href, title
	}{
		{"/notes/a", []string{"next /notes/b Bravo &amp; links"}},
		{"/notes/b", []string{"prev /notes/a Alpha: physical", "next /notes/c Charlie: transport"}},
		{"/notes/c", []string{"prev /notes/b Bravo &amp; links"}},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			status, body, _ := get(t, ts, tt.page)
			if status != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.page, status)
			}
			nav := pagerNav.FindString(body)
			if nav == "" {
				t.Fatalf("no labelled pager on %s", tt.page)
			}
			var got []string
			for _, m := range pagerLink.FindAllStringSubmatch(nav, -1) {
				got = append(got, m[2]+" "+m[1]+" "+m[3])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("pager links %q, want %q", got, tt.want)
			}
		})
	}

	// A single note has no neighbours, and no empty navigation landmark.
	one := newTestServer(t, fstest.MapFS{"a.md": {Data: []byte("# Alone\n\nText.\n")}})
	if _, body, _ := get(t, one, "/notes/a"); strings.Contains(body, "note-pager") {
		t.Error("a lone note shows a pager")
	}
}

// watchedFolder writes files into a new folder and returns it with a
// catalog that follows its changes until the test ends.
func watchedFolder(t *testing.T, files map[string]string) (string, *catalog.Catalog) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat := catalog.New(os.DirFS(dir), slog.New(slog.NewTextHandler(io.Discard, nil)))
	w, err := cat.Watch(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return dir, cat
}

var changesAttr = regexp.MustCompile(`id="note-live" data-changes="([^"]+)"`)

// changesURL returns the changes stream named by a note page.
func changesURL(t *testing.T, ts *httptest.Server, page string) string {
	t.Helper()
	status, body, _ := get(t, ts, page)
	m := changesAttr.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET %s = %d without a changes stream", page, status)
	}
	return m[1]
}

// sseEvent is one Server-Sent Events block.
type sseEvent struct{ event, data, retry string }

func readEvent(r *bufio.Reader) (sseEvent, error) {
	var ev sseEvent
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			return ev, nil
		}
		field, value, _ := strings.Cut(line, ": ")
		switch field {
		case "event":
			ev.event = value
		case "data":
			ev.data = value
		case "retry":
			ev.retry = value
		}
	}
}

// openChanges opens a changes stream and reads its opening retry block,
// after which the server is waiting for a change.
func openChanges(t *testing.T, ctx context.Context, client *http.Client, url string) (*http.Response, *bufio.Reader) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET %s = %d %q", url, res.StatusCode, res.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(res.Body)
	ev, err := readEvent(r)
	if err != nil || ev.retry == "" || ev.event != "" {
		t.Fatalf("opening block %+v, %v", ev, err)
	}
	return res, r
}

// waitReload waits for the catalog to swap in a snapshot newer than snap.
func waitReload(t *testing.T, snap *catalog.Snapshot) {
	t.Helper()
	select {
	case <-snap.Replaced():
	case <-time.After(10 * time.Second):
		t.Fatal("the catalog did not reload after a file changed")
	}
}

func TestNoteChangesStreamTellsOnlyItsOwnNote(t *testing.T) {
	leaks := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) })

	dir, cat := watchedFolder(t, map[string]string{
		"routing.md":   "# Routing\n\nRouters forward packets.\n",
		"switching.md": "# Switching\n\nSwitches forward frames.\n",
	})
	ts, _ := startTestServer(t, testServerConfig{Catalog: cat})
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)

	since := changesURL(t, ts, "/notes/routing")
	_, stream := openChanges(t, context.Background(), client, ts.URL+since)

	// Another note's edit reloads the catalog but says nothing here.
	snap := cat.Current()
	if err := os.WriteFile(filepath.Join(dir, "switching.md"), []byte("# Switching\n\nSwitches learn addresses.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitReload(t, snap)

	if err := os.WriteFile(filepath.Join(dir, "routing.md"), []byte("# Routing\n\nRouters forward packets by table.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ev, err := readEvent(stream)
	if err != nil {
		t.Fatalf("no event after the note's edit: %v", err)
	}
	now := changesURL(t, ts, "/notes/routing")
	if now == since {
		t.Fatal("the edited note kept its revision")
	}
	if ev.event != "changed" || !strings.HasSuffix(now, "since="+ev.data) {
		t.Errorf("event %+v, want changed with the page's new revision (%s)", ev, now)
	}
	// One event per stream: the page reloads and asks again.
	if _, err := readEvent(stream); err != io.EOF {
		t.Errorf("the stream goes on after its event: %v", err)
	}
	_, body, _ := get(t, ts, "/notes/routing")
	if !strings.Contains(body, "by table") {
		t.Error("the page does not show the edit")
	}
}

func TestNoteChangesStream(t *testing.T) {
	_, cat := watchedFolder(t, map[string]string{"routing.md": "# Routing\n\nRouters forward packets.\n"})
	ts, _ := startTestServer(t, testServerConfig{Catalog: cat})
	current := changesURL(t, ts, "/notes/routing")
	rev := current[strings.Index(current, "since=")+len("since="):]

	tests := []struct {
		name   string
		method string
		path   string
		status int
		event  string // the event sent at once, if any
	}{
		{"a page older than the note", http.MethodGet, "/notes/routing/changes?since=0123456789abcdef", http.StatusOK, rev},
		{"no revision given", http.MethodGet, "/notes/routing/changes", http.StatusOK, rev},
		{"an unknown note", http.MethodGet, "/notes/nope/changes?since=" + rev, http.StatusNotFound, ""},
		// HEAD of an up-to-date page: the headers, without waiting.
		{"HEAD", http.MethodHead, current, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, tt.method, ts.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, res.StatusCode, tt.status)
			}
			if tt.status != http.StatusOK || tt.method == http.MethodHead {
				return
			}
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if want := "event: changed\ndata: " + tt.event + "\n\n"; !strings.HasSuffix(string(body), want) {
				t.Errorf("stream %q does not end with %q", body, want)
			}
		})
	}
}

func TestNoteChangesAbsentForEmbeddedContent(t *testing.T) {
	ts := newTestServer(t, testContent())
	_, body, _ := get(t, ts, "/notes/routing")
	if strings.Contains(body, "note-live") || strings.Contains(body, "notereload.js") {
		t.Error("a page of content that cannot change asks for changes")
	}
	if !strings.Contains(body, "/static/js/copycode.js?v=") {
		t.Error("the note page does not load the copy buttons")
	}
	if status, _, _ := get(t, ts, "/notes/routing/changes?since=x"); status != http.StatusNotFound {
		t.Errorf("GET changes of embedded content = %d, want 404", status)
	}
}

// A waiting stream ends when the server's context does, so that it never
// holds a shutdown, and leaves no goroutine behind.
func TestNoteChangesStopsWithTheServer(t *testing.T) {
	leaks := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) })

	_, cat := watchedFolder(t, map[string]string{"routing.md": "# Routing\n\nRouters forward packets.\n"})
	serverCtx, stop := context.WithCancel(context.Background())
	defer stop()
	ts := httptest.NewUnstartedServer(newTestHandlerWith(t, testServerConfig{Catalog: cat}))
	ts.Config.BaseContext = func(net.Listener) context.Context { return serverCtx }
	ts.Start()
	t.Cleanup(ts.Close)
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)

	// The client gives up after a while: a stream that outlives the
	// server's context fails the test rather than hanging it.
	clientCtx, giveUp := context.WithTimeout(context.Background(), 10*time.Second)
	defer giveUp()
	_, stream := openChanges(t, clientCtx, client, ts.URL+changesURL(t, ts, "/notes/routing"))
	stop()
	if ev, err := readEvent(stream); err != io.EOF {
		t.Fatalf("after the server's context ended: %+v, %v; want the end of the stream", ev, err)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ts.Config.Shutdown(shutdown); err != nil {
		t.Errorf("shutdown with a stream opened: %v", err)
	}
}
