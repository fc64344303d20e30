package web

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

type noteJSON struct {
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	HTML   string `json:"html"`
	Counts struct {
		Questions int `json:"questions"`
		Terms     int `json:"terms"`
	} `json:"counts"`
	QA []struct {
		Question   string `json:"question"`
		AnswerHTML string `json:"answer_html"`
	} `json:"qa"`
	Vocabulary []struct {
		Term           string `json:"term"`
		DefinitionHTML string `json:"definition_html"`
	} `json:"vocabulary"`
	Error string `json:"error"`
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return res.StatusCode
}

// The students' own format: a file written in the sample's shape (six
// questions, ten terms, curly quotes, blank-line separated terms) gives
// the same data through the JSON API and the page.
func TestStudentFormatNoteAPIAndPageAgree(t *testing.T) {
	ts := newTestServer(t, os.DirFS("testdata/studentnotes"))
	var n noteJSON
	if status := getJSON(t, ts.URL+"/api/notes/notes-7", &n); status != http.StatusOK {
		t.Fatalf("GET /api/notes/notes-7 = %d", status)
	}
	if len(n.QA) != 6 || len(n.Vocabulary) != 10 || n.Counts.Questions != 6 || n.Counts.Terms != 10 {
		t.Fatalf("notes-7: %d questions (%d counted), %d terms (%d counted); want 6 and 10",
			len(n.QA), n.Counts.Questions, len(n.Vocabulary), n.Counts.Terms)
	}
	if n.QA[3].Question != "What happens when a packet’s TTL reaches zero?" || !strings.Contains(n.QA[3].AnswerHTML, "time exceeded") {
		t.Errorf("question 4 = %q / %q", n.QA[3].Question, n.QA[3].AnswerHTML)
	}
	if n.Vocabulary[2].Term != "MAC Address" || !strings.Contains(n.Vocabulary[2].DefinitionHTML, "48-bit") {
		t.Errorf("term 3 = %+v", n.Vocabulary[2])
	}
	_, page, _ := get(t, ts, "/notes/notes-7")
	for _, qa := range n.QA {
		if !strings.Contains(page, htmlEscape(qa.Question)) {
			t.Errorf("the page lacks question %q", qa.Question)
		}
	}
	var list []noteJSON
	getJSON(t, ts.URL+"/api/notes", &list)
	if len(list) != 1 || list[0].Slug != "notes-7" || list[0].Counts.Questions != 6 || list[0].Counts.Terms != 10 {
		t.Errorf("/api/notes = %+v", list)
	}
	var vocab []struct {
		Term  string `json:"term"`
		Notes []struct {
			Slug string `json:"slug"`
		} `json:"notes"`
	}
	getJSON(t, ts.URL+"/api/vocabulary", &vocab)
	if len(vocab) != 10 || vocab[0].Term != "DNS" || vocab[0].Notes[0].Slug != "notes-7" {
		t.Errorf("/api/vocabulary = %+v", vocab)
	}
}

// The real student's file, when the shared folder is beside the checkout.
func TestSharedSampleNote(t *testing.T) {
	dir := "../../../shared/samples"
	if _, err := os.Stat(dir + "/notes-13.md"); err != nil {
		t.Skip("shared/samples is not beside this checkout")
	}
	ts := newTestServer(t, os.DirFS(dir))
	var n noteJSON
	if status := getJSON(t, ts.URL+"/api/notes/notes-13", &n); status != http.StatusOK {
		t.Fatalf("GET /api/notes/notes-13 = %d", status)
	}
	if len(n.QA) != 6 || len(n.Vocabulary) != 10 {
		t.Errorf("notes-13: %d questions, %d terms; want 6 and 10", len(n.QA), len(n.Vocabulary))
	}
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

func TestNoteRoutes(t *testing.T) {
	ts := newTestServer(t, testContent())
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"Notes: Routing", "2 questions", "2 terms", `id="note-search"`}},
		{"/notes/routing", 200, []string{"What does a router do?", `class="gloss"`, "Contents"}},
		{"/notes/nope", 404, []string{"There is no note called"}},
		{"/notes/..%2f..%2fgo.mod", 404, nil},
		{"/vocabulary", 200, []string{"Router", "Packet", `href="/notes/routing"`, `id="term-filter"`}},
		{"/flashcards", 200, []string{`id="deck"`}},
		{"/api/notes/nope", 404, []string{`"error"`}},
		{"/healthz", 200, []string{"ok"}},
		{"/metrics", 200, []string{"netstudy_live_events_total", "netstudy_live_commands_stored_total"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body, _ := get(t, ts, tt.path)
			if status != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, status, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
		})
	}
}

func TestHostileNoteIsNeutralised(t *testing.T) {
	ts := newTestServer(t, testContent())
	for _, path := range []string{"/notes/xss", "/api/notes/xss"} {
		_, body, _ := get(t, ts, path)
		// The removed link is reported to the author as text; what must
		// never appear is markup that runs.
		for _, bad := range []string{"<script>window", "<img src=x onerror", `href="javascript:`, `href=\"javascript:`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s contains %q", path, bad)
			}
		}
	}
}

func TestBrokenNoteShownWhileOthersLoad(t *testing.T) {
	fsys := testContent()
	fsys["broken.md"] = &fstest.MapFile{Data: []byte("---\ntitle: [unclosed\n---\n# x\n")}
	ts := newTestServer(t, fsys)
	status, body, _ := get(t, ts, "/notes/broken")
	if status != http.StatusOK || !strings.Contains(body, "could not be read") {
		t.Errorf("broken note page = %d, want 200 with the error shown", status)
	}
	if status, _, _ := get(t, ts, "/notes/routing"); status != http.StatusOK {
		t.Errorf("a broken note stopped the others: /notes/routing = %d", status)
	}
}
