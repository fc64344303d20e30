package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"rsc.io/qr"

	"netstudy/app/live"
)

// One session's instructor pages: the dashboard (GET /host/sessions/:id),
// the projector view (…/present) and the QR code of the join link
// (…/qr.png). The pages are shells that the browser fills over the live
// protocol; the server only says which session and how students join.

// hostSessionPage is the data of the dashboard and of the projector view.
type hostSessionPage struct {
	Layout       layout
	Info         live.SessionInfo
	JoinBase     string // where students go: JoinBase + "/join"
	JoinURL      string // the join link with the code
	LoopbackOnly bool   // JoinURL is a localhost address phones cannot reach
	QRURL        string
	TimeLimits   []timeLimitChoice
}

// sessionPage loads what both pages of a session show.
func (s *Server) sessionPage(c echo.Context, title, script string) (hostSessionPage, error) {
	info, err := s.hub.Info(c.Request().Context(), c.Param("id"))
	if errors.Is(err, live.ErrNoSession) {
		return hostSessionPage{}, notFound("There is no such session.")
	}
	if err != nil {
		return hostSessionPage{}, err
	}
	base, loopback := s.joinBase(c.Request())
	return hostSessionPage{
		Layout:       layout{Title: title + ": " + info.Title, Description: sessionDescription(title, info.Title), Section: "host", Scripts: []string{script}},
		Info:         info,
		JoinBase:     base,
		JoinURL:      joinURL(base, info.Code),
		LoopbackOnly: loopback,
		QRURL:        "/host/sessions/" + info.ID + "/qr.png",
		TimeLimits:   timeLimitOptions(),
	}, nil
}

// handleHostSession is GET /host/sessions/:id, the instructor's dashboard.
func (s *Server) handleHostSession(c echo.Context) error {
	page, err := s.sessionPage(c, "Host", "js/host.js")
	if err != nil {
		return err
	}
	return s.renderOK(c, "host_session", page)
}

// handlePresent is GET /host/sessions/:id/present, the projector view.
func (s *Server) handlePresent(c echo.Context) error {
	page, err := s.sessionPage(c, "Projector", "js/present.js")
	if err != nil {
		return err
	}
	return s.renderOK(c, "present", page)
}

// qrScale is the number of image pixels per QR module: a 41-module code
// (a join link with a LAN address) becomes a 392-pixel PNG of a few
// hundred bytes that the page scales up without blurring.
const qrScale = 8

// handleHostQR is GET /host/sessions/:id/qr.png: the join link as a QR
// code, for phones to scan from the projector.
func (s *Server) handleHostQR(c echo.Context) error {
	info, err := s.hub.Info(c.Request().Context(), c.Param("id"))
	if errors.Is(err, live.ErrNoSession) {
		return notFound("There is no such session.")
	}
	if err != nil {
		return err
	}
	base, _ := s.joinBase(c.Request())
	code, err := qr.Encode(joinURL(base, info.Code), qr.M)
	if err != nil {
		return err
	}
	code.Scale = qrScale
	return c.Blob(http.StatusOK, "image/png", code.PNG())
}
