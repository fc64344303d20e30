package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"netstudy/app/live"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

// A session's results, for the instructor only (routes.go guards them): GET
// /host/sessions/{id}/results is the page, .../results.csv the
// spreadsheet (one row per participant per round asked), and
// /api/sessions/{id}/results the same record as JSON.

// resultsReport loads the session's report; 404 for an unknown id. The
// routes check the instructor's cookie first (instructorPage, instructorAPI,
// apiInstructor), so a stranger cannot even probe which ids exist.
func (s *Server) resultsReport(c echo.Context) (live.Report, error) {
	rep, err := s.hub.Results(c.Request().Context(), c.Param("id"))
	if errors.Is(err, live.ErrNoSession) {
		return live.Report{}, notFound("There is no session with that id.")
	}
	if err != nil {
		return live.Report{}, fmt.Errorf("results of session %q: %w", c.Param("id"), err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return rep, nil
}

// resultsPage is the data of the results page.
type resultsPage struct {
	Layout    layout
	Info      live.SessionInfo
	Created   string // as shown
	Ended     bool
	Standings []standingRow
	Rounds    []roundView
}

type standingRow struct {
	id       string
	Rank     int // 0 for a kicked participant
	Nickname string
	Score    int
	Answered int
	Right    int
	Kicked   bool
	Cells    []answerCell // one per round, in Rounds order
}

// answerCell is one participant's answer in one round, in the students
// table.
type answerCell struct {
	Answer  string // "" for no answer
	Outcome string // "right", "wrong", "poll", "" for no answer
}

// roundView is one round as the page shows it.
type roundView struct {
	Number   int
	Round    int
	Kind     quiz.Kind
	Prompt   string
	Answered int
	Right    int
	Poll     bool
	Counted  bool
	Revealed bool
	Bars     []histogramBar
	Chart    string // the bars as JSON for charts.js, escaped into a data attribute
	Answers  []answerRow
}

// histogramBar is one bar of a round's histogram: the same data feeds
// the drawn chart and its text equivalent, the table under it.
type histogramBar struct {
	Label   string `json:"label"`
	Count   int    `json:"count"`
	Correct bool   `json:"correct"`
}

type answerRow struct {
	Nickname string
	Answer   string
	Outcome  string // "right", "wrong", "poll"
	Points   int
	Elapsed  string
}

func (s *Server) handleResults(c echo.Context) error {
	rep, err := s.resultsReport(c)
	if err != nil {
		return err
	}
	p := resultsPage{
		Layout:  layout{Title: "Results: " + rep.Info.Title, Description: "The results of the live quiz “" + rep.Info.Title + "”: every question's answers and the final standings.", Section: "host", Scripts: []string{"js/results.js"}},
		Info:    rep.Info,
		Created: rep.Results.CreatedAt.Local().Format("Monday 2 January 2006, 15:04"),
		Ended:   rep.Results.State == session.Ended,
	}
	for _, pr := range rep.Results.Participants {
		p.Standings = append(p.Standings, standingRow{
			id: pr.ID, Rank: pr.Rank, Nickname: pr.Nickname, Score: pr.Score, Answered: pr.Answered, Right: pr.Right, Kicked: pr.Kicked,
		})
	}
	slices.SortStableFunc(p.Standings, func(a, b standingRow) int {
		if (a.Rank == 0) != (b.Rank == 0) { // kicked ones last
			if a.Rank == 0 {
				return 1
			}
			return -1
		}
		return a.Rank - b.Rank
	})
	for _, rr := range rep.Results.Rounds {
		q := questionAt(rep.Questions, rr.Index)
		rv := roundView{
			Number: rr.Number, Round: rr.Round, Kind: rr.Kind, Prompt: rr.Prompt,
			Answered: rr.Answered, Right: rr.Right, Poll: rr.Kind == quiz.Poll,
			Counted: rr.Counted, Revealed: rr.Revealed,
			Bars: histogramBars(q, rr),
		}
		chart, err := json.Marshal(map[string]any{"bars": rv.Bars, "total": rr.Answered})
		if err != nil {
			return fmt.Errorf("encode chart: %w", err)
		}
		rv.Chart = string(chart)
		for _, a := range rr.Answers {
			row := answerRow{
				Nickname: a.Nickname, Answer: answerText(q, a.Answer), Points: a.Points,
				Elapsed: fmt.Sprintf("%.1f s", float64(a.ElapsedMS)/1000),
				Outcome: "wrong",
			}
			switch {
			case rv.Poll:
				row.Outcome = "poll"
			case a.Right:
				row.Outcome = "right"
			}
			rv.Answers = append(rv.Answers, row)
		}
		p.Rounds = append(p.Rounds, rv)
		cells := make(map[string]answerCell, len(rr.Answers))
		for i, a := range rr.Answers {
			cells[a.ParticipantID] = answerCell{Answer: rv.Answers[i].Answer, Outcome: rv.Answers[i].Outcome}
		}
		for i := range p.Standings {
			p.Standings[i].Cells = append(p.Standings[i].Cells, cells[p.Standings[i].id])
		}
	}
	return s.renderOK(c, "results", p)
}

// questionAt returns question i of the list, or nil: a report read from
// an older hub may lack the list, and the page then shows choice ids.
func questionAt(qs []quiz.Question, i int) *quiz.Question {
	if i < 0 || i >= len(qs) {
		return nil
	}
	return &qs[i]
}

// histogramBars turns a round's histogram into bars: every choice in the
// question's order, or for typed answers the distinct answers, most
// frequent first, then the ones not listed.
func histogramBars(q *quiz.Question, rr session.RoundResult) []histogramBar {
	counts := rr.Histogram.Counts
	var bars []histogramBar
	if q != nil && len(q.Choices) > 0 {
		for i, ch := range q.Choices {
			bars = append(bars, histogramBar{
				Label: choiceLetter(i) + ". " + ch.Text, Count: counts[ch.ID], Correct: ch.Correct && rr.Kind != quiz.Poll,
			})
		}
		return bars
	}
	for text, n := range counts {
		correct := q != nil && rr.Kind == quiz.Text && q.Check(quiz.Answer{Text: text})
		bars = append(bars, histogramBar{Label: text, Count: n, Correct: correct})
	}
	slices.SortFunc(bars, func(a, b histogramBar) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Label, b.Label)
	})
	if rr.Histogram.Other > 0 {
		bars = append(bars, histogramBar{Label: "Other answers", Count: rr.Histogram.Other})
	}
	return bars
}

// choiceLetter is the label of the i-th choice on students' phones: A, B, …
func choiceLetter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return strconv.Itoa(i + 1)
}

// answerText is an answer as a person reads it: the choices' texts, or
// what was typed.
func answerText(q *quiz.Question, a quiz.Answer) string {
	if len(a.Choices) == 0 {
		return a.Text
	}
	parts := make([]string, 0, len(a.Choices))
	for _, id := range a.Choices {
		label := id
		if q != nil {
			for i, ch := range q.Choices {
				if ch.ID == id {
					label = choiceLetter(i) + ". " + ch.Text
					break
				}
			}
		}
		parts = append(parts, label)
	}
	return strings.Join(parts, "; ")
}

func (s *Server) handleAPIResults(c echo.Context) error {
	rep, err := s.resultsReport(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"session": rep.Info, "results": rep.Results})
}

// csvHeader names the columns of the export.
var csvHeader = []string{
	"session", "question", "round", "prompt", "participant", "nickname",
	"answer", "right", "points", "elapsed_ms",
}

func (s *Server) handleResultsCSV(c echo.Context) error {
	rep, err := s.resultsReport(c)
	if err != nil {
		return err
	}
	var buf strings.Builder
	w := csv.NewWriter(&buf)
	_ = w.Write(csvHeader)
	for _, rr := range rep.Results.Rounds {
		q := questionAt(rep.Questions, rr.Index)
		byID := make(map[string]session.AnswerRecord, len(rr.Answers))
		for _, a := range rr.Answers {
			byID[a.ParticipantID] = a
		}
		for _, p := range rep.Results.Participants {
			a, answered := byID[p.ID]
			if !answered && p.Kicked {
				continue // not in the room for this round, as far as anyone knows
			}
			row := []string{
				csvCell(rep.Info.Title), strconv.Itoa(rr.Number), strconv.Itoa(rr.Round), csvCell(rr.Prompt),
				p.ID, csvCell(p.Nickname), "", "", "0", "",
			}
			if answered {
				row[6] = csvCell(answerText(q, a.Answer))
				row[7] = strconv.FormatBool(a.Right)
				if rr.Kind == quiz.Poll {
					row[7] = "" // a poll has no right answer
				}
				if rr.Counted {
					row[8] = strconv.Itoa(a.Points)
				}
				row[9] = strconv.FormatInt(a.ElapsedMS, 10)
			} else if rr.Kind != quiz.Poll {
				row[7] = "false"
			}
			_ = w.Write(row)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	name := fmt.Sprintf("netstudy-%s-%s.csv", csvFileSafe(rep.Info.Code), rep.Results.CreatedAt.Local().Format(time.DateOnly))
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", []byte(buf.String()))
}

// csvCell neutralises a cell that a spreadsheet would run as a formula
// (=, +, -, @, and the tab and carriage return some of them also accept):
// nicknames, typed answers and prompts are hostile input, and a leading
// apostrophe makes the spreadsheet show the text as typed.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvFileSafe keeps a file-name part to letters and digits.
func csvFileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, s)
}
