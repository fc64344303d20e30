package web

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"netstudy/app/auth"
	"netstudy/app/session"
	"netstudy/content"
)

// TestPagesHTMLChecks fetches every page of the shipped content, the
// instructor's included, and checks what HTML validators and Lighthouse's
// SEO audit flag: a meta description on each page, no empty heading, no
// aria-label on an element whose role may not be named (a <p>, a <span>,
// a <div> without a role), and no id used twice.
func TestPagesHTMLChecks(t *testing.T) {
	ts, srv := startTestServer(t, testServerConfig{Content: content.FS})
	info, err := srv.hub.Create(context.Background(), session.Setup{Title: "Checks", Options: stOptions(), Questions: stQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/host", "/host/signin", "/host/sessions/" + info.ID, "/host/sessions/" + info.ID + "/present",
		"/host/sessions/" + info.ID + "/results", "/no-such-page"}
	for _, p := range studyPages(srv) {
		paths = append(paths, p.path)
	}
	cookie := auth.CookieName + "=" + srv.auth.InstructorCookie()
	pages := t.TempDir()
	for i, path := range paths {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(path, "/host/sessions/") || path == "/host" {
				req.Header.Set("Cookie", cookie)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s is %s (%d), not a page", path, res.Header.Get("Content-Type"), res.StatusCode)
			}
			for _, p := range pageHTMLProblems(t, string(body)) {
				t.Errorf("%s: %s", path, p)
			}
			name := strconv.Itoa(i) + strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(path) + ".html"
			if err := os.WriteFile(filepath.Join(pages, name), body, 0o600); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("html-validate", func(t *testing.T) { validateHTML(t, pages) })
}

// validateHTML runs a real HTML validator, html-validate (npm), over every
// page in dir with its "recommended" rules: the HTML standard's content
// models and attributes, plus the accessibility rules it knows. CI
// installs it; elsewhere the check is skipped when it is missing.
//
// testdata/htmlvalidate.json turns off what is style, not validity, and
// what the pages do on purpose: whitespace and the doctype's case; a form
// without a submit button (the header's search submits on Enter, HTML's
// implicit submission); a fieldset named by aria-labelledby instead of a
// legend (a practice question's prompt is rendered Markdown, which may
// hold paragraphs and code that a legend cannot); th without scope (a
// header row's cells are column headers by the table model). The search
// results are an ARIA listbox and a flashcard an ARIA button on purpose:
// a select cannot show rich results, and a button cannot hold a card's
// paragraphs. Checkboxes of one question share a name, as radios do.
func validateHTML(t *testing.T, dir string) {
	bin, err := exec.LookPath("html-validate")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("html-validate is not installed (npm i -g html-validate@9.7.1); CI must run it")
		}
		t.Skip("html-validate is not installed: npm i -g html-validate@9.7.1")
	}
	config, err := filepath.Abs(filepath.Join("testdata", "htmlvalidate.json"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pages to validate in %s (%v)", dir, err)
	}
	cmd := exec.Command(bin, append([]string{"--config", config, "--formatter", "text"}, files...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("html-validate found problems (%v):\n%s", err, out)
	}
}

// unnamable are the elements whose implicit role (paragraph, generic,
// strong, code…) may not carry an accessible name: an aria-label on one
// is ignored by screen readers and flagged by validators.
var unnamable = map[string]bool{
	"p": true, "span": true, "div": true, "strong": true, "em": true, "b": true, "i": true, "code": true,
	"small": true, "del": true, "ins": true, "sub": true, "sup": true, "pre": true, "kbd": true, "samp": true,
}

// pageHTMLProblems lists what is wrong in a page's markup.
func pageHTMLProblems(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var problems []string
	descriptions := 0
	ids := map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			switch {
			case n.Data == "meta" && attr["name"] == "description":
				descriptions++
				if d := strings.TrimSpace(attr["content"]); len(d) < 20 {
					problems = append(problems, "meta description "+strconv.Quote(d)+" says next to nothing")
				}
			case len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6':
				if strings.TrimSpace(nodeText(n)) == "" {
					problems = append(problems, "an empty <"+n.Data+"> (id "+strconv.Quote(attr["id"])+")")
				}
			}
			if _, named := attr["aria-label"]; named && unnamable[n.Data] && attr["role"] == "" {
				problems = append(problems, "aria-label on a <"+n.Data+"> with no role (id "+strconv.Quote(attr["id"])+")")
			}
			if id, ok := attr["id"]; ok {
				if ids[id] {
					problems = append(problems, "the id "+strconv.Quote(id)+" is used twice")
				}
				ids[id] = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if descriptions != 1 {
		problems = append(problems, "the page has "+strconv.Itoa(descriptions)+" meta descriptions, want 1")
	}
	return problems
}

// nodeText is the text inside n, with the alt text of its images.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "img":
			for _, a := range n.Attr {
				if a.Key == "alt" {
					b.WriteString(a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
