package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"netstudy/app/quiz"
	"netstudy/app/session"
)

// hostCommands are the commands only the instructor may give.
var hostCommands = map[string]bool{
	"ask_next": true, "ask_typed": true, "reask": true, "close": true, "reveal": true,
	"leaderboard": true, "end": true, "kick": true, "set_options": true, "extend_time": true,
	"lock": true, "unlock": true,
}

// The stored payloads of the commands that carry data. Student commands
// record who sent them, since a replay has no connection to ask.
type (
	joinPayload struct {
		Nickname  string `json:"nickname"`
		CommandID string `json:"command_id"`
	}
	answerPayload struct {
		ParticipantID string      `json:"participant_id"`
		CommandID     string      `json:"command_id"`
		QuestionID    string      `json:"question_id"`
		Round         int         `json:"round"`
		Answer        quiz.Answer `json:"answer"`
	}
	participantPayload struct {
		ParticipantID string `json:"participant_id"`
	}
	extendPayload struct {
		ParticipantID string `json:"participant_id"`
		Seconds       int    `json:"seconds"`
	}
	typedPayload struct {
		Question quiz.Question `json:"question"`
	}
)

// clientAnswer is the data of a student's answer command.
type clientAnswer struct {
	QuestionID string   `json:"question_id"`
	Round      int      `json:"round"`
	Choices    []string `json:"choices"`
	Text       string   `json:"text"`
}

// ClientQuestion is a question the instructor typed on the spot, as the
// dashboard and the JSON API send it.
type ClientQuestion struct {
	Kind             quiz.Kind  `json:"kind"`
	Prompt           string     `json:"prompt"`
	Choices          []string   `json:"choices"`
	Correct          []int      `json:"correct"` // indexes into Choices
	Accepted         []string   `json:"accepted"`
	Match            quiz.Match `json:"match"`
	TimeLimitSeconds int        `json:"time_limit_seconds"`
	Points           int        `json:"points"`
	Explanation      string     `json:"explanation"`
}

// Question turns the typed question into the quiz model. It checks
// nothing: session.ValidateQuestion holds the rules, and the session
// applies them (AskTyped, NewSetup).
func (cq ClientQuestion) Question() quiz.Question {
	points := cq.Points
	if points == 0 {
		points = 100
	}
	q := quiz.Question{
		Kind:      cq.Kind,
		Prompt:    strings.TrimSpace(cq.Prompt),
		Accepted:  cq.Accepted,
		Match:     cq.Match,
		TimeLimit: session.Seconds(cq.TimeLimitSeconds),
		Points:    points,
	}
	q.PromptHTML = template.HTML(template.HTMLEscapeString(q.Prompt))
	if cq.Explanation != "" {
		q.ExplanationHTML = template.HTML("<p>" + template.HTMLEscapeString(cq.Explanation) + "</p>")
	}
	correct := map[int]bool{}
	for _, i := range cq.Correct {
		correct[i] = true
	}
	for i, text := range cq.Choices {
		id := string(rune('a' + i))
		if q.Kind == quiz.TrueFalse {
			id = strings.ToLower(strings.TrimSpace(text))
		}
		text = strings.TrimSpace(text)
		q.Choices = append(q.Choices, quiz.Choice{
			ID: id, Text: text, HTML: template.HTML(template.HTMLEscapeString(text)), Correct: correct[i],
		})
	}
	return q
}

// applied is what one command did to a session.
type applied struct {
	result any // the acknowledgement's result
	events []session.Event
	// record is false for a command that changed nothing (a repeated
	// answer), which needs no storing.
	record bool
}

// apply runs one command against a session. It is the only place where
// commands meet the state machine, used alike for live commands and for
// replaying the stored log after a restart, so both take the same path.
func apply(s *session.Session, kind string, payload []byte, now time.Time) (applied, error) {
	var (
		evs []session.Event
		err error
	)
	switch kind {
	case "join":
		var p joinPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return applied{}, fmt.Errorf("join payload: %w", err)
		}
		var id string
		id, evs, err = s.Join(p.Nickname, now)
		if err != nil {
			return applied{}, err
		}
		return applied{result: id, events: evs, record: true}, nil
	case "answer":
		var p answerPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return applied{}, fmt.Errorf("answer payload: %w", err)
		}
		return applyAnswer(s, p, now)
	case "ask_next":
		evs, err = s.AskNext(now)
	case "ask_typed":
		var p typedPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return applied{}, fmt.Errorf("ask_typed payload: %w", err)
		}
		evs, err = s.AskTyped(p.Question, now)
	case "reask":
		evs, err = s.Reask(now)
	case "close":
		evs, err = s.Close(now)
	case "reveal":
		evs, err = s.Reveal(now)
	case "leaderboard":
		evs, err = s.ShowLeaderboard(now)
	case "end":
		evs, err = s.End(now)
	case "lock":
		evs, err = s.Lock(now)
	case "unlock":
		evs, err = s.Unlock(now)
	case "kick":
		var p participantPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return applied{}, fmt.Errorf("kick payload: %w", err)
		}
		evs, err = s.Kick(p.ParticipantID, now)
	case "set_options":
		var o session.Options
		if err := json.Unmarshal(payload, &o); err != nil {
			return applied{}, fmt.Errorf("set_options payload: %w", err)
		}
		evs, err = s.SetOptions(o, now)
	case "extend_time":
		var p extendPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return applied{}, fmt.Errorf("extend_time payload: %w", err)
		}
		if p.Seconds < 1 || p.Seconds > 600 {
			return applied{}, protocolErr("bad_data", "extra time must be 1 to 600 seconds")
		}
		evs, err = s.ExtendTime(p.ParticipantID, time.Duration(p.Seconds)*time.Second, now)
	case "tick":
		evs = s.Tick(now)
	default:
		return applied{}, protocolErr("unknown_type", "unknown command %q", kind)
	}
	if err != nil {
		return applied{}, err
	}
	return applied{events: evs, record: true}, nil
}

// applyAnswer is apply for an answer already decoded.
func applyAnswer(s *session.Session, p answerPayload, now time.Time) (applied, error) {
	res, evs, err := s.AnswerQuestion(p.ParticipantID, p.CommandID, p.QuestionID, p.Round, p.Answer, now)
	if err != nil {
		return applied{}, err
	}
	return applied{result: res, events: evs, record: len(evs) > 0}, nil
}

// decodeAnswer decodes an answer command's data.
func decodeAnswer(data []byte) (*clientAnswer, error) {
	var d clientAnswer
	if err := strictJSON(data, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// answerOf is the stored form of an answer: d is its data, already
// decoded, or nil to decode it here (decodeErr says why it would not).
func answerOf(c *Peer, env Envelope, d *clientAnswer, decodeErr error) (answerPayload, error) {
	if c.participantID == "" {
		return answerPayload{}, session.ErrNotParticipant
	}
	if decodeErr != nil {
		return answerPayload{}, decodeErr
	}
	if d == nil {
		var err error
		if d, err = decodeAnswer(env.Data); err != nil {
			return answerPayload{}, err
		}
	}
	return answerPayload{
		ParticipantID: c.participantID, CommandID: env.ID, QuestionID: d.QuestionID, Round: d.Round,
		Answer: quiz.Answer{Choices: d.Choices, Text: d.Text},
	}, nil
}

// storedPayload turns a client command into the payload that is stored and
// applied: the sender's identity is added by the server, never taken from
// the client.
func storedPayload(c *Peer, env Envelope) ([]byte, error) {
	switch env.Type {
	case "join":
		var d struct {
			Nickname string `json:"nickname"`
		}
		if err := strictJSON(env.Data, &d); err != nil {
			return nil, err
		}
		return json.Marshal(joinPayload{Nickname: d.Nickname, CommandID: env.ID})
	case "answer":
		ap, err := answerOf(c, env, nil, nil)
		if err != nil {
			return nil, err
		}
		return json.Marshal(ap)
	case "ask_typed":
		var d struct {
			Question ClientQuestion `json:"question"`
		}
		if err := strictJSON(env.Data, &d); err != nil {
			return nil, err
		}
		return json.Marshal(typedPayload{Question: d.Question.Question()})
	case "kick":
		var d participantPayload
		if err := strictJSON(env.Data, &d); err != nil {
			return nil, err
		}
		return json.Marshal(d)
	case "extend_time":
		var d extendPayload
		if err := strictJSON(env.Data, &d); err != nil {
			return nil, err
		}
		return json.Marshal(d)
	case "set_options":
		var d session.Options
		if err := strictJSON(env.Data, &d); err != nil {
			return nil, err
		}
		return json.Marshal(d)
	}
	return []byte("{}"), nil
}

func strictJSON(data []byte, v any) error {
	if len(data) == 0 {
		data = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return protocolErr("bad_data", "the message's data does not fit its type: %v", err)
	}
	return nil
}
