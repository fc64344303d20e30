package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"netstudy/app/session"
)

// apiCreate posts body to /api/sessions with the instructor key and
// returns the status and the new session's id.
func (e *hostEnv) apiCreate(t *testing.T, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/api/sessions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testInstructorKey)
	res, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var created apiSessionCreated
	if res.StatusCode == http.StatusCreated {
		if err := json.NewDecoder(res.Body).Decode(&created); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode, created.ID
}

// builtSession is what a test compares of a session: its title and its
// questions' time limits.
type builtSession struct {
	title  string
	limits []time.Duration
}

func (e *hostEnv) built(t *testing.T, id string) builtSession {
	t.Helper()
	r, err := e.hub.Results(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b := builtSession{title: r.Info.Title}
	for _, q := range r.Questions {
		b.limits = append(b.limits, q.TimeLimit)
	}
	return b
}

// The new-session form and POST /api/sessions build a session by the same
// rules: the same default title and time limit, the same bounds. Where they
// once disagreed (the API left questions without a limit, and called an
// untitled session "Live quiz"), the API now does what the form does.
func TestFormAndAPIBuildTheSameSession(t *testing.T) {
	e := newHostEnv(t, "")
	tooLong := strings.Repeat("é", 121)
	for _, tt := range []struct {
		name string
		form url.Values
		api  string
		want *builtSession // nil: both refuse it
	}{
		{"a quiz, defaults",
			url.Values{"source": {"quiz"}, "quiz": {hostQuizID}},
			`{"quiz_id":"` + hostQuizID + `"}`,
			&builtSession{"Routing check", []time.Duration{90 * time.Second, 30 * time.Second}}},
		{"a quiz, no time limit",
			url.Values{"source": {"quiz"}, "quiz": {hostQuizID}, "time_limit": {"0"}},
			`{"quiz_id":"` + hostQuizID + `","time_limit_seconds":0}`,
			&builtSession{"Routing check", []time.Duration{90 * time.Second, 0}}},
		{"a quiz, a minute and a title",
			url.Values{"source": {"quiz"}, "quiz": {hostQuizID}, "time_limit": {"60"}, "title": {"  Friday  "}},
			`{"quiz_id":"` + hostQuizID + `","time_limit_seconds":60,"title":"  Friday  "}`,
			&builtSession{"Friday", []time.Duration{90 * time.Second, 60 * time.Second}}},
		{"nothing, no title",
			url.Values{"source": {"empty"}},
			`{}`,
			&builtSession{"Live questions", nil}},
		{"a title too long",
			url.Values{"source": {"empty"}, "title": {tooLong}},
			`{"title":"` + tooLong + `"}`,
			nil},
		{"a time limit over an hour",
			url.Values{"source": {"quiz"}, "quiz": {hostQuizID}, "time_limit": {"3601"}},
			`{"quiz_id":"` + hostQuizID + `","time_limit_seconds":3601}`,
			nil},
		{"a time limit that would wrap round",
			url.Values{"source": {"quiz"}, "quiz": {hostQuizID}, "time_limit": {"4611686018427387934"}},
			`{"quiz_id":"` + hostQuizID + `","time_limit_seconds":4611686018427387934}`,
			nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			apiStatus, apiID := e.apiCreate(t, tt.api)
			if tt.want == nil {
				res, _ := e.do(t, hostReq{method: "POST", path: "/host/sessions", form: tt.form, instructor: true})
				if res.StatusCode != http.StatusUnprocessableEntity || apiStatus != http.StatusBadRequest {
					t.Errorf("form = %d, API = %d; want both refused (422, 400)", res.StatusCode, apiStatus)
				}
				return
			}
			if apiStatus != http.StatusCreated {
				t.Fatalf("API = %d, want 201", apiStatus)
			}
			fromForm, fromAPI := e.built(t, e.hostCreate(t, tt.form).ID), e.built(t, apiID)
			for who, got := range map[string]builtSession{"form": fromForm, "API": fromAPI} {
				if got.title != tt.want.title || !slices.Equal(got.limits, tt.want.limits) {
					t.Errorf("the %s built %+v, want %+v", who, got, *tt.want)
				}
			}
		})
	}
}

// The form's title field stops at the length the rules allow, so a title
// typed in the browser is never refused for its length.
func TestHostFormTitleBound(t *testing.T) {
	e := newHostEnv(t, "")
	_, body := e.do(t, hostReq{method: "GET", path: "/host", instructor: true})
	if want := `name="title" maxlength="` + strconv.Itoa(session.MaxTitle) + `"`; !strings.Contains(body, want) {
		t.Errorf("the new-session form lacks %s", want)
	}
}
