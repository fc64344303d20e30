package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes is the whole URL surface of netstudy.
func (s *Server) routes() {
	e := s.echo
	// Security headers come before the trailing-slash redirect, which
	// answers before any Use middleware runs.
	e.Pre(headAsGet, securityHeaders, middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: 308}))
	e.Use(restoreHead, s.logRequests, s.recoverPanics, s.sameOrigin, unescapeParams)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024, Skipper: skipGzip}))

	e.GET("/healthz", s.handleHealth)
	e.GET("/static/*", s.handleStatic)
	e.GET("/favicon.ico", s.handleFavicon)

	// Content pages: once rendered, a page is answered from the page
	// cache before echo sees it (see serveFromCache).
	e.GET("/", s.handleHome)
	e.GET("/notes/:slug", s.handleNote)
	e.GET("/notes/:slug/changes", s.handleNoteChanges) // with --content: tells an open note page its note changed
	e.GET("/notes-format", s.handleNotesFormat)
	e.GET("/vocabulary", s.handleVocabulary)
	e.GET("/flashcards", s.handleFlashcards)
	e.GET("/flashcards/write", s.handleWrite)
	e.GET("/flashcards/match", s.handleMatch)
	e.GET("/practice", s.handlePractice)
	e.GET("/practice/:quiz", s.handlePracticeQuiz)
	e.GET("/layers", s.handleLayers)
	e.GET("/search", s.handleSearch) // the search box without JavaScript

	e.GET("/metrics", s.handleMetrics)

	// Live quizzes: students join and play; the instructor reads results.
	e.GET("/join", s.handleJoin)
	e.GET("/host/sessions/:id/results", s.handleResults, s.instructorPage)
	e.GET("/host/sessions/:id/results.csv", s.handleResultsCSV, s.instructorAPI)

	// The instructor's side of live quizzes (host*.go): sign-in, the
	// sessions list and new-session form, each session's dashboard,
	// projector view and join QR code.
	e.GET("/host", s.handleHost) // also signs in with ?key=
	e.GET("/host/signin", s.handleHostSignInForm)
	e.POST("/host/signin", s.handleHostSignIn)
	e.POST("/host/signout", s.handleHostSignOut)
	e.POST("/host/key", s.handleHostChangeKey, s.instructorAPI)
	e.POST("/host/sessions", s.handleHostCreate, s.instructorAPI)
	e.POST("/host/sessions/:id/end", s.handleHostEnd, s.instructorAPI)
	e.GET("/host/sessions/:id", s.handleHostSession, s.instructorPage)
	e.GET("/host/sessions/:id/present", s.handlePresent, s.instructorPage)
	e.GET("/host/sessions/:id/qr.png", s.handleHostQR, s.instructorAPI)

	// The live quiz: WebSocket, and the long-polling fallback.
	// GET /live is answered before echo sees it (see ServeHTTP); the route
	// stays here so that this file lists the whole surface.
	e.GET("/live", echo.WrapHandler(http.HandlerFunc(s.wire.ServeWebSocket)))
	e.POST("/live/poll", echo.WrapHandler(http.HandlerFunc(s.wire.ServePollOpen)))
	e.GET("/live/poll", echo.WrapHandler(http.HandlerFunc(s.wire.ServePoll)))
	e.POST("/live/send", echo.WrapHandler(http.HandlerFunc(s.wire.ServePollSend)))

	api := e.Group("/api")
	api.POST("/sessions", s.handleAPICreateSession, s.apiInstructor)
	api.GET("/notes", s.handleAPINotes)
	api.GET("/notes/:slug", s.handleAPINote)
	api.GET("/vocabulary", s.handleAPIVocabulary)
	api.GET("/search", s.handleAPISearch)
	api.GET("/flashcards", s.handleAPIFlashcards)
	api.GET("/flashcards/counts", s.handleAPIFlashcardCounts)
	api.GET("/quizzes", s.handleAPIQuizzes)
	api.GET("/quizzes/:id", s.handleAPIQuiz)
	api.POST("/quizzes/:id/check", s.handleAPIQuizCheck) // answer key of one question, after it is answered
	api.GET("/layers", s.handleAPILayers)
	api.GET("/layers/:id", s.handleAPILayer) // also /api/layers/{id}.pcap
	api.GET("/join/:code", s.handleAPIJoinLookup)
	api.GET("/sessions/:id/results", s.handleAPIResults, s.apiInstructor)
}
