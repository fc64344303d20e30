package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
	"netstudy/content"
)

// The glossary filter matches a term and its definitions, never the title
// of the note a term comes from; it marks what it matched; and the A to Z
// bar keeps only the letters that still have a term.
func TestBrowserVocabularyFilter(t *testing.T) {
	t.Parallel()
	ts, srv := startTestServer(t, testServerConfig{Content: content.FS})
	lib := srv.catalog.Current().Notes
	tests := []struct {
		typed string
		match func(term, definitions string) bool
	}{
		// "sock" is in the title of the WebSockets note, which defines
		// many terms that never say it.
		{"sock", func(term, defs string) bool { return strings.Contains(term+" "+defs, "sock") }},
		{"notes:", func(string, string) bool { return false }}, // only in note titles
		{"udp port", func(term, defs string) bool {
			s := term + " " + defs
			return strings.Contains(s, "udp") && strings.Contains(s, "port")
		}},
	}
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/vocabulary"),
		browsertest.WaitJS(`document.readyState === "complete"`),
	)
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			var want []string
			letters := map[string]bool{}
			for _, e := range lib.Glossary {
				var defs []string
				for _, d := range e.Definitions {
					defs = append(defs, d.Definition)
				}
				if tt.match(strings.ToLower(e.Term), strings.ToLower(strings.Join(defs, " "))) {
					want = append(want, e.Term)
					letters[e.Letter] = true
				}
			}
			var got struct {
				Terms, Letters []string
				Unmarked       []string // visible entries with no mark
				MarkedSources  int
			}
			p.Run(t,
				chromedp.Evaluate(`document.querySelector("#term-filter").value = ""`, nil),
				chromedp.SendKeys("#term-filter", tt.typed, chromedp.ByQuery),
				browsertest.WaitJS(`document.querySelector("#term-filter-status").textContent.includes("match")`),
				chromedp.Evaluate(`(() => {
					const visible = [...document.querySelectorAll(".glossary-entry:not([hidden])")];
					return {
						terms: visible.map(e => e.dataset.term),
						letters: [...document.querySelectorAll(".letters li:not([hidden]) a")]
							.filter(a => getComputedStyle(a.parentElement).display !== "none")
							.map(a => a.textContent.trim()),
						unmarked: visible.filter(e => !e.querySelector("mark.filter-match")).map(e => e.dataset.term),
						markedSources: document.querySelectorAll(".source mark").length,
					};
				})()`, &got),
			)
			slices.Sort(want)
			slices.Sort(got.Terms)
			if !slices.Equal(got.Terms, want) {
				t.Errorf("visible terms %q\nwant %q", got.Terms, want)
			}
			var wantLetters []string
			for l := range letters {
				wantLetters = append(wantLetters, l)
			}
			slices.Sort(wantLetters)
			slices.Sort(got.Letters)
			if !slices.Equal(got.Letters, wantLetters) {
				t.Errorf("A to Z bar shows %q, want %q", got.Letters, wantLetters)
			}
			if len(got.Unmarked) > 0 {
				t.Errorf("visible terms without a marked match: %q", got.Unmarked)
			}
			if got.MarkedSources > 0 {
				t.Errorf("%d marks in the note titles", got.MarkedSources)
			}
		})
	}
	// Clearing the filter brings every term and letter back, unmarked.
	var back struct{ Hidden, Marks int }
	p.Run(t,
		chromedp.Evaluate(`document.querySelector("#term-filter").value = ""`, nil),
		chromedp.SendKeys("#term-filter", " ", chromedp.ByQuery),
		browsertest.WaitJS(`!document.querySelector("#term-filter-status").textContent.includes("match")`),
		chromedp.Evaluate(`({hidden: document.querySelectorAll(".glossary-entry[hidden], .letters li[hidden], .letter-group[hidden]").length,
			marks: document.querySelectorAll("mark.filter-match").length})`, &back),
	)
	if back.Hidden != 0 || back.Marks != 0 {
		t.Errorf("after clearing: %+v", back)
	}
	p.AssertClean(t)
}
