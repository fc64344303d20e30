package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// layout is the part of every page's data that the shared layout reads.
type layout struct {
	Title   string // the page's own title; the site name is added
	Section string // which navigation entry is current
	// Description is the page's meta description, for search engines and
	// link previews; empty leaves the tag out.
	Description string
	Scripts     []string
}

// pages holds one template set per page, each the layout plus the page.
type pages struct {
	sets   map[string]*template.Template
	assets *assets
}

// parsePages parses every page template once, at start, so a broken
// template stops the server before it serves anything.
func parsePages(fsys fs.FS) (*pages, error) {
	p := &pages{sets: map[string]*template.Template{}}
	files, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return nil, err
	}
	// pathEscape makes a slug or id one path segment of a link: a note
	// called "Q&A #1" must not end its URL at the "#".
	funcs := template.FuncMap{"asset": p.assetURL, "pathEscape": url.PathEscape}
	partials, err := fs.Glob(fsys, "_*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f == "layout.html" || strings.HasPrefix(f, "_") {
			continue
		}
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, append([]string{"layout.html", f}, partials...)...)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		p.sets[name] = t
	}
	if len(p.sets) == 0 {
		return nil, fmt.Errorf("no page templates found")
	}
	return p, nil
}

func (p *pages) assetURL(name string) string {
	if p.assets == nil {
		return "/static/" + name
	}
	return p.assets.url(name)
}

// render executes a page into a buffer first, so that a failing template
// produces a clean error response instead of half a page.
func (s *Server) render(c echo.Context, status int, page string, data any) error {
	body, err := s.renderBytes(page, data)
	if err != nil {
		return err
	}
	return c.HTMLBlob(status, body)
}

func (s *Server) renderBytes(page string, data any) ([]byte, error) {
	t, ok := s.pages.sets[page]
	if !ok {
		return nil, fmt.Errorf("no template for page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// renderOK is render with 200.
func (s *Server) renderOK(c echo.Context, page string, data any) error {
	return s.render(c, http.StatusOK, page, data)
}
