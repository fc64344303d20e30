package web

import (
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// handleMetrics serves the Prometheus text format. Compression is left to
// the gzip middleware: doing it twice would garble the response.
func (s *Server) handleMetrics(c echo.Context) error {
	promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{DisableCompression: true}).ServeHTTP(c.Response(), c.Request())
	return nil
}
