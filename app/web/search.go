package web

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"

	"netstudy/app/search"
)

// apiSearchResults is the JSON of GET /api/search.
type apiSearchResults struct {
	Results []search.Result `json:"results"`
}

// searchPage is the results page, the search box's answer without
// JavaScript.
type searchPage struct {
	Layout  layout
	Query   string
	Results []searchHit
	Error   string
}

type searchHit struct {
	search.Result
	Snippet template.HTML
}

// runSearch is the one place a request becomes a search: a query that is
// too long is the client's mistake (400), anything else the server's.
func (s *Server) runSearch(q string) ([]search.Result, error) {
	res, err := s.searcher.Search(q)
	if errors.Is(err, search.ErrQueryTooLong) {
		return nil, echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	return res, err
}

func (s *Server) handleAPISearch(c echo.Context) error {
	res, err := s.runSearch(c.QueryParam("q"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiSearchResults{Results: res})
}

func (s *Server) handleSearch(c echo.Context) error {
	q := c.QueryParam("q")
	page := searchPage{
		Layout: layout{Title: "Search", Section: "search"},
		Query:  q,
	}
	if q != "" {
		page.Layout.Title = "Search: " + q
	}
	res, err := s.runSearch(q)
	status := http.StatusOK
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status, page.Error = he.Code, search.ErrQueryTooLong.Error()
	case err != nil:
		return err
	}
	for _, r := range res {
		// The snippet is escaped text with <mark> tags, made by the
		// search package for exactly this.
		page.Results = append(page.Results, searchHit{Result: r, Snippet: template.HTML(r.SnippetHTML)})
	}
	return s.render(c, status, "search", page)
}
