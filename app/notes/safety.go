package notes

import (
	stdhtml "html"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// neutralizeURLs removes links and images whose URL could run script or
// leave the page in a surprising way. goldmark already drops javascript:,
// vbscript:, file: and most data: URLs when raw HTML is off; this is a
// second, stricter fence with an allowlist, so that a scheme goldmark does
// not know about (or a browser quirk such as a tab inside "java\tscript:")
// cannot get through. A removed link keeps its text; a removed image keeps
// its alt text; the author is told.
func neutralizeURLs(p *parsedNote, lines lineIndex) {
	type swap struct {
		node ast.Node
		keep []ast.Node // what replaces it
	}
	var swaps []swap
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !allSafe(safeLinkURL, n.Destination) {
				swaps = append(swaps, swap{n, children(n)})
				p.note.Problems = append(p.note.Problems, lines.where(n, "link to %q removed: only http, https, mailto, tel and relative links are kept", clip(string(n.Destination))))
			}
		case *ast.Image:
			if !allSafe(safeImageURL, n.Destination) {
				swaps = append(swaps, swap{n, children(n)})
				p.note.Problems = append(p.note.Problems, lines.where(n, "image %q removed: only http, https, relative and data:image URLs are kept", clip(string(n.Destination))))
			}
		case *ast.AutoLink:
			if !allSafe(safeLinkURL, n.URL(p.src)) {
				swaps = append(swaps, swap{n, []ast.Node{ast.NewString(n.Label(p.src))}})
				p.note.Problems = append(p.note.Problems, lines.where(n, "link to %q removed: only http, https, mailto, tel and relative links are kept", clip(string(n.URL(p.src)))))
			}
		}
		return ast.WalkContinue, nil
	})
	for _, s := range swaps {
		parent := s.node.Parent()
		for _, k := range s.keep {
			parent.InsertBefore(parent, s.node, k) // InsertBefore detaches k from its old parent
		}
		parent.RemoveChild(parent, s.node)
	}
}

// allSafe applies check to a destination as written and as goldmark will
// write it (entities and escapes resolved, so "&#106;avascript:" is seen
// for what it is), and as an HTML parser would read it.
func allSafe(check func(string) bool, dest []byte) bool {
	return check(string(dest)) &&
		check(string(util.URLEscape(dest, true))) &&
		check(stdhtml.UnescapeString(string(dest)))
}

func children(n ast.Node) []ast.Node {
	var out []ast.Node
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		out = append(out, c)
	}
	return out
}

// clip shortens a URL for a problem message.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// safeLinkURL allows relative URLs and the schemes a study note needs.
func safeLinkURL(u string) bool {
	switch urlScheme(u) {
	case "", "http", "https", "mailto", "tel":
		return true
	}
	return false
}

// safeImageURL allows relative and web images, and inline raster images.
func safeImageURL(u string) bool {
	switch urlScheme(u) {
	case "", "http", "https":
		return true
	case "data":
		rest := strings.ToLower(browserURL(u))[len("data:"):]
		for _, t := range []string{"image/png", "image/gif", "image/jpeg", "image/webp"} {
			if strings.HasPrefix(rest, t+";") || strings.HasPrefix(rest, t+",") {
				return true
			}
		}
	}
	return false
}

// urlScheme returns the lower-cased scheme of u as a browser would read it,
// "" for a relative URL, and "?" for something that is neither.
func urlScheme(u string) string {
	u = browserURL(u)
	for i, r := range u {
		switch {
		case r == ':':
			if i == 0 {
				return "?"
			}
			return strings.ToLower(u[:i])
		case r == '/' || r == '?' || r == '#':
			return "" // a path, query or fragment comes first: relative
		case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
		case i > 0 && ('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return "" // cannot be a scheme, so the colon (if any) is in a path
		}
	}
	return ""
}

// browserURL applies what the WHATWG URL parser does before it reads a
// scheme: leading and trailing C0 controls and spaces go, and so do tabs
// and newlines anywhere.
func browserURL(u string) string {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
}
