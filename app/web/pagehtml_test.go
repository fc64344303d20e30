package web

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"netstudy/app/live"
	"netstudy/content"
)

// TestPagesHTMLChecks fetches every page of the shipped content, the
// instructor's included, and checks what HTML validators and Lighthouse's
// SEO audit flag: a meta description on each page, no empty heading, no
// aria-label on an element whose role may not be named (a <p>, a <span>,
// a <div> without a role), and no id used twice.
func TestPagesHTMLChecks(t *testing.T) {
	ts, srv := startTestServer(t, testServerConfig{Content: content.FS})
	info, err := srv.hub.Create(context.Background(), live.Setup{Title: "Checks", Options: stOptions(), Questions: stQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/host", "/host/signin", "/host/sessions/" + info.ID, "/host/sessions/" + info.ID + "/present",
		"/host/sessions/" + info.ID + "/results", "/no-such-page"}
	for _, p := range studyPages(srv) {
		paths = append(paths, p.path)
	}
	cookie := live.CookieName + "=" + srv.auth.InstructorCookie()
	for _, path := range paths {
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
		})
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
