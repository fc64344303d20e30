package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// handleHealth answers 200 once the content is loaded, which is all the
// server needs to serve pages.
func (s *Server) handleHealth(c echo.Context) error {
	snap := s.catalog.Current()
	if snap == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "content not loaded")
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "content_version": snap.Version})
}
