package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"netstudy/content"
)

type searchResponse struct {
	Results []struct {
		Slug        string `json:"slug"`
		Title       string `json:"title"`
		Heading     string `json:"heading"`
		URL         string `json:"url"`
		SnippetHTML string `json:"snippet_html"`
	} `json:"results"`
}

func searchAPI(t *testing.T, baseURL string, q string) (int, searchResponse) {
	t.Helper()
	res, err := http.Get(baseURL + "/api/search?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out searchResponse
	if res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatalf("decode: %v", err)
		}
	}
	return res.StatusCode, out
}

// Every result points at a section that exists on the note page: the
// anchor is an id the page renders.
func TestSearchAPIResultsPointAtRenderedSections(t *testing.T) {
	ts := newTestServer(t, content.FS)
	for _, q := range []string{"QUIC", "handshake", "subnet mask", "socket", "ss -tln", "TTL"} {
		status, got := searchAPI(t, ts.URL, q)
		if status != http.StatusOK || len(got.Results) == 0 {
			t.Fatalf("%q: status %d, %d results", q, status, len(got.Results))
		}
		for _, r := range got.Results {
			path, anchor, _ := strings.Cut(r.URL, "#")
			if path != "/notes/"+r.Slug {
				t.Errorf("%q: url %q is not the note %s", q, r.URL, r.Slug)
			}
			code, page, _ := get(t, ts, path)
			if code != http.StatusOK {
				t.Fatalf("%s: %d", path, code)
			}
			if anchor != "" && !strings.Contains(page, `id="`+anchor+`"`) {
				t.Errorf("%q: %s has no element with id %q", q, path, anchor)
			}
			if !strings.Contains(r.SnippetHTML, "<mark>") && !strings.Contains(strings.ToLower(r.Heading+r.Title), strings.ToLower(strings.Fields(q)[0])) {
				t.Errorf("%q: result %s shows no match: %q", q, r.URL, r.SnippetHTML)
			}
		}
	}
}

func TestSearchAPIEmptyLongAndHostile(t *testing.T) {
	ts := newTestServer(t, testContent())
	status, got := searchAPI(t, ts.URL, "")
	if status != http.StatusOK || got.Results == nil || len(got.Results) != 0 {
		t.Errorf("empty query: %d %+v, want 200 and an empty list", status, got)
	}
	_, body, _ := get(t, ts, "/api/search")
	if strings.TrimSpace(body) != `{"results":[]}` {
		t.Errorf("no q: body %s", body)
	}
	if status, _ := searchAPI(t, ts.URL, strings.Repeat("router ", 40)); status != http.StatusBadRequest {
		t.Errorf("a long query: status %d, want 400", status)
	}
	// The hostile note holds a <script> and an onerror; its snippets are text.
	status, got = searchAPI(t, ts.URL, "safe")
	if status != http.StatusOK || len(got.Results) == 0 {
		t.Fatalf("safe: %d %+v", status, got)
	}
	for _, q := range []string{"router", "<b>router</b>", "<script>router</script>", `"><img src=x onerror=alert(1)>`} {
		status, got := searchAPI(t, ts.URL, q)
		if status != http.StatusOK {
			t.Errorf("%q: status %d", q, status)
		}
		if len(got.Results) == 0 && !strings.Contains(q, "<script>") && !strings.Contains(q, "img") {
			t.Errorf("%q finds nothing", q)
		}
		for _, r := range got.Results {
			bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(r.SnippetHTML)
			if strings.ContainsAny(bare, "<>") {
				t.Errorf("%q: snippet holds markup: %s", q, r.SnippetHTML)
			}
		}
	}
}

func TestSearchPageWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t, testContent())
	code, page, _ := get(t, ts, "/search?q="+url.QueryEscape("<i>router</i>"))
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{
		`value="&lt;i&gt;router&lt;/i&gt;"`,
		`href="/notes/routing#what-does-a-router-do"`,
		"<mark>router</mark>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the results page lacks %s", want)
		}
	}
	if strings.Contains(page, "<i>router") {
		t.Error("the query's markup reached the page as markup")
	}
	code, page, _ = get(t, ts, "/search?q="+strings.Repeat("x", 300))
	if code != http.StatusBadRequest || !strings.Contains(page, "too long") {
		t.Errorf("a long query: status %d", code)
	}
	// Every page carries the box, a plain form to this page.
	_, home, _ := get(t, ts, "/")
	if !strings.Contains(home, `<form class="site-search" id="site-search" action="/search" method="get" role="search">`) {
		t.Error("the home page has no search form")
	}
}
