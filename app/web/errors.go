package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// errorPage is the data of the error page.
type errorPage struct {
	Layout  layout
	Status  int
	Message string
}

// handleError is the one place where errors become responses. Users see a
// safe message; the detail of a server error goes to the log only (the
// request logger has already recorded it).
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "Something went wrong on the server."
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(status)
		}
	}
	req := c.Request()
	if strings.HasPrefix(req.URL.Path, "/api/") || strings.HasPrefix(req.URL.Path, "/live/") ||
		strings.Contains(req.Header.Get("Accept"), "application/json") {
		_ = c.JSON(status, map[string]string{"error": msg})
		return
	}
	if req.Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	page := errorPage{Layout: layout{Title: http.StatusText(status), Description: errorDescription(status, msg)}, Status: status, Message: msg}
	if err := s.render(c, status, "error", page); err != nil {
		s.log.Error("render error page", "err", err)
		_ = c.String(status, msg)
	}
}

// notFound is the error for a name that does not exist.
func notFound(what string) error {
	return echo.NewHTTPError(http.StatusNotFound, what)
}
