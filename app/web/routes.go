package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes is the whole URL surface of netstudy.
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: 308}))
	e.Use(s.logRequests, s.recoverPanics, securityHeaders, sameOrigin)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024, Skipper: isStreaming}))

	e.GET("/healthz", s.handleHealth)
	e.GET("/static/*", s.handleStatic)
	e.GET("/favicon.ico", s.handleFavicon)

	e.GET("/", s.handleHome)
	e.GET("/notes/:slug", s.handleNote)
	e.GET("/vocabulary", s.handleVocabulary)
	e.GET("/flashcards", s.handleFlashcards)
	e.GET("/layers", s.handleLayers)

	e.GET("/metrics", s.handleMetrics)

	// The live quiz: WebSocket, and the long-polling fallback.
	e.GET("/live", echo.WrapHandler(http.HandlerFunc(s.hub.ServeWebSocket)))
	e.POST("/live/poll", echo.WrapHandler(http.HandlerFunc(s.hub.ServePollOpen)))
	e.GET("/live/poll", echo.WrapHandler(http.HandlerFunc(s.hub.ServePoll)))
	e.POST("/live/send", echo.WrapHandler(http.HandlerFunc(s.hub.ServePollSend)))

	api := e.Group("/api")
	api.GET("/notes", s.handleAPINotes)
	api.GET("/notes/:slug", s.handleAPINote)
	api.GET("/vocabulary", s.handleAPIVocabulary)
	api.GET("/flashcards", s.handleAPIFlashcards)
	api.GET("/layers", s.handleAPILayers)
	api.GET("/layers/:id", s.handleAPILayer) // also /api/layers/{id}.pcap
}
