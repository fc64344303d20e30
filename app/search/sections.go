package search

import (
	"html/template"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"netstudy/app/notes"
)

// Section is one searchable piece of a note: the text under one heading, up
// to the next heading. The text before a note's first heading is a section
// with no anchor, headed by the note's title.
type Section struct {
	Slug    string
	Title   string // the note's title
	Heading string // the section's heading as the page shows it
	Anchor  string // the heading's id on the note page; "" for the opening text
	Text    string // everything a reader sees in the section, code included
}

// URL is where the section is on the site.
func (s Section) URL() string {
	u := "/notes/" + url.PathEscape(s.Slug)
	if s.Anchor != "" {
		u += "#" + s.Anchor
	}
	return u
}

// Sections cuts every readable note of lib into sections. It reads the
// rendered HTML rather than the Markdown, so the anchors are exactly the ids
// the note page carries, and questions, answers, vocabulary tables and code
// are all in the text as the reader sees them.
func Sections(lib *notes.Library) []Section {
	var out []Section
	for _, n := range lib.Notes {
		if n.Err != nil {
			continue
		}
		out = append(out, noteSections(n.Slug, n.Title, n.HTML)...)
	}
	return out
}

// noteSections splits one rendered note at each heading that has an id.
// Glossary tooltips are left out: they repeat a definition from elsewhere,
// and a match there would send the reader to a section that does not show
// the word.
func noteSections(slug, title string, body template.HTML) []Section {
	z := html.NewTokenizer(strings.NewReader(string(body)))
	cur := Section{Slug: slug, Title: title, Heading: title}
	var text, heading strings.Builder
	var out []Section
	inHeading := atom.Atom(0)
	tipDepth := 0 // >0 while inside a glossary tooltip

	flush := func() {
		cur.Text = collapse(text.String())
		if cur.Text != "" || cur.Anchor != "" {
			out = append(out, cur)
		}
		text.Reset()
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			return out
		case html.TextToken:
			if tipDepth > 0 {
				continue
			}
			if inHeading != 0 {
				heading.Write(z.Text())
			} else {
				text.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			if a == atom.Span {
				if tipDepth > 0 {
					tipDepth++
				} else if hasClass(attrs["class"], "gloss-tip") {
					tipDepth = 1
				}
				continue
			}
			if isHeading(a) && attrs["id"] != "" && tt == html.StartTagToken {
				flush()
				cur = Section{Slug: slug, Title: title, Anchor: attrs["id"]}
				heading.Reset()
				inHeading = a
				continue
			}
			if isBlock(a) {
				text.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Span {
				if tipDepth > 0 {
					tipDepth--
				}
				continue
			}
			if a == inHeading && inHeading != 0 {
				cur.Heading = collapse(heading.String())
				inHeading = 0
				continue
			}
			if isBlock(a) {
				text.WriteByte('\n')
			}
		}
	}
}

func hasClass(classes, want string) bool {
	for _, c := range strings.Fields(classes) {
		if c == want {
			return true
		}
	}
	return false
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// isBlock lists the elements whose edges separate words: without a space
// there, two table cells or list items would run into one word.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Li, atom.Td, atom.Th, atom.Tr, atom.Pre, atom.Br, atom.Div,
		atom.Dt, atom.Dd, atom.Blockquote, atom.Ul, atom.Ol, atom.Table, atom.Hr:
		return true
	}
	return false
}

// collapse turns every run of white space into one space, so snippets read
// as one line.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
