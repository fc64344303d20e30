package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthWithin bounds the check of NATS behind /healthz in cluster mode: a
// load balancer's probe must get an answer, not wait.
const healthWithin = 2 * time.Second

// handleHealth answers 200 once the content is loaded and, in cluster
// mode, while the node reaches NATS: a node that cannot store commands
// must leave the load balancer's rotation. Otherwise it answers 503 with
// the reason.
func (s *Server) handleHealth(c echo.Context) error {
	snap := s.catalog.Current()
	if snap == nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "reason": "content not loaded"})
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), healthWithin)
	defer cancel()
	if err := s.hub.Healthy(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "reason": "cannot reach NATS: " + err.Error()})
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "content_version": snap.Version})
}
