package notes

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// parseOK parses src as a note and fails the test if it did not load.
func parseOK(t *testing.T, src string) *Note {
	t.Helper()
	n := Parse("test.md", []byte(src))
	if n.Err != nil {
		t.Fatalf("Parse: unexpected error: %v", n.Err)
	}
	return n
}

// unsafeHTML returns why a fragment of rendered HTML could run script or
// break the CSP, or "" when it is clean. It reads the HTML with a real
// tokenizer, the way a browser would, rather than searching for strings.
func unsafeHTML(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return ""
			}
			return "tokenizer: " + z.Err().Error()
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "form", "base", "meta", "link", "svg", "math", "frame", "frameset":
				return "element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				name := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(name, "on"):
					return "event handler attribute " + name
				case name == "style" || name == "srcdoc" || name == "formaction":
					return "attribute " + name
				case name == "href" || name == "src" || name == "action" || name == "xlink:href":
					scheme := urlScheme(a.Val)
					ok := scheme == "" || scheme == "http" || scheme == "https" || scheme == "mailto" || scheme == "tel" ||
						(name == "src" && tok.Data == "img" && safeImageURL(a.Val))
					if !ok {
						return name + "=" + a.Val
					}
				}
			}
		}
	}
}

// assertSafeMarkup fails the test when the markup of an HTML fragment
// could run script, whatever its text says.
func assertSafeMarkup(t *testing.T, what, fragment string) {
	t.Helper()
	if why := unsafeHTML(fragment); why != "" {
		t.Errorf("%s is unsafe (%s):\n%s", what, why, fragment)
	}
}

// assertSafe is assertSafeMarkup plus a plain search, for inputs whose text
// should not survive either.
func assertSafe(t *testing.T, what, fragment string) {
	t.Helper()
	assertSafeMarkup(t, what, fragment)
	if low := strings.ToLower(fragment); strings.Contains(low, "<script") || strings.Contains(low, "javascript:") {
		t.Errorf("%s contains <script or javascript::\n%s", what, fragment)
	}
}

// ids returns every id attribute in an HTML fragment, in order.
func ids(fragment string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(fragment))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			for _, a := range z.Token().Attr {
				if a.Key == "id" {
					out = append(out, a.Val)
				}
			}
		}
	}
	return out
}

// duplicate returns the first value that appears twice in s, or "".
func duplicate(s []string) string {
	seen := map[string]bool{}
	for _, v := range s {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return ""
}

func terms(n *Note) []string {
	var out []string
	for _, v := range n.Vocabulary {
		out = append(out, v.Term)
	}
	return out
}

func questions(n *Note) []string {
	var out []string
	for _, q := range n.QA {
		out = append(out, q.Question)
	}
	return out
}
