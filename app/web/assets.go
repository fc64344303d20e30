package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// assets serves the embedded static files. Each file's URL carries a hash
// of its content, so browsers may cache it for a year and still never run
// a stale script after an upgrade.
type assets struct {
	files map[string]asset // by path below /static/
}

type asset struct {
	body        []byte
	contentType string
	hash        string
}

func newAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".go") {
			return nil
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		a.add(p, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read static files: %w", err)
	}
	return a, nil
}

// add registers a file under /static/; it is also how generated CSS (the
// code highlighting theme) joins the embedded files.
func (a *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	a.files[name] = asset{body: body, contentType: ct, hash: hex.EncodeToString(sum[:6])}
}

// url is the cache-busting address of a static file.
func (a *assets) url(name string) string {
	f, ok := a.files[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + f.hash
}

func (s *Server) handleStatic(c echo.Context) error {
	name := c.Param("*")
	f, ok := s.assets.files[name]
	if !ok {
		return notFound("No such file.")
	}
	h := c.Response().Header()
	if c.QueryParam("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+f.hash+`"`)
	if c.Request().Header.Get("If-None-Match") == `"`+f.hash+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, f.contentType, f.body)
}

// handleFavicon answers the browsers that ask for /favicon.ico whatever
// the page says, with the SVG icon.
func (s *Server) handleFavicon(c echo.Context) error {
	f, ok := s.assets.files["img/icon.svg"]
	if !ok {
		return notFound("No icon.")
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, f.contentType, f.body)
}
