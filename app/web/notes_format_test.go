package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// A note written in the looser shapes students use (questions in lists,
// bold lines and quotes, a table with a misspelled header, plain and
// nested entries, an open question, an undefined term, a term written
// twice) comes through the API complete, and so do its flashcards and its
// vocabulary quiz.
const mixedNote = "## Week 5\n\n# Sockets in practice\n\n" +
	"1. What is a socket?\n\nOne end of a connection: an address and a port.\n\n" +
	"2. #### Why do chat apps use web sockets?\n   A websocket stays open, so the server pushes messages at once.\n\n" +
	"**What does a server do with an event?**\nIt passes it on to every client listening.\n\n" +
	"Does socket.io fall back to HTTP?\n\n> Yes, to long polling when a web-socket cannot be opened.\n\n" +
	"### What is a room?\n\n" +
	"## Vocabulary Terms:\n\n" +
	"| Word | Defintion | Example |\n|---|---|---|\n" +
	"| **Web Socket (WS)** | A protocol for full-duplex messages over one TCP connection | chat |\n" +
	"| Socket | One endpoint of a two-way link | `127.0.0.1:80` |\n\n" +
	"Event – a named message that one side emits and the other listens for\n\n" +
	"- Room\n  - a group of sockets that receive the same broadcasts\n\n" +
	"**Namespace:**\n**socket:** an address and a port together\n"

func TestMixedFormatNoteIsComplete(t *testing.T) {
	ts := newTestServer(t, fstest.MapFS{"sockets.md": {Data: []byte(mixedNote)}})

	var n struct {
		noteJSON
		QA []struct {
			Question   string `json:"question"`
			AnswerText string `json:"answer_text"`
			Open       bool   `json:"open"`
		} `json:"qa"`
		Vocabulary []struct {
			Term       string `json:"term"`
			Definition string `json:"definition"`
			Undefined  bool   `json:"undefined"`
		} `json:"vocabulary"`
		Problems []string `json:"problems"`
	}
	if status := getJSON(t, ts.URL+"/api/notes/sockets", &n); status != http.StatusOK {
		t.Fatalf("GET /api/notes/sockets = %d", status)
	}
	if n.Title != "Sockets in practice" {
		t.Errorf("title = %q", n.Title)
	}
	var qs []string
	for _, q := range n.QA {
		qs = append(qs, q.Question)
	}
	wantQ := []string{"What is a socket?", "Why do chat apps use web sockets?", "What does a server do with an event?",
		"Does socket.io fall back to HTTP?", "What is a room?"}
	if !slices.Equal(qs, wantQ) {
		t.Fatalf("questions = %q, want %q", qs, wantQ)
	}
	for i, q := range n.QA {
		if open := i == 4; q.Open != open || (q.AnswerText == "") != open {
			t.Errorf("%q: open = %v, answer %q", q.Question, q.Open, q.AnswerText)
		}
	}
	if !strings.Contains(n.QA[3].AnswerText, "long polling") || strings.Contains(n.QA[2].AnswerText, "socket.io") {
		t.Errorf("answers crossed: %q / %q", n.QA[2].AnswerText, n.QA[3].AnswerText)
	}
	var terms []string
	for _, v := range n.Vocabulary {
		terms = append(terms, v.Term)
	}
	if want := []string{"Web Socket (WS)", "Socket", "Event", "Room", "Namespace"}; !slices.Equal(terms, want) {
		t.Fatalf("terms = %q, want %q", terms, want)
	}
	if v := n.Vocabulary[1]; v.Definition != "One endpoint of a two-way link; an address and a port together" {
		t.Errorf("Socket and socket not merged: %q", v.Definition)
	}
	if v := n.Vocabulary[4]; !v.Undefined || v.Definition != "" {
		t.Errorf("Namespace = %+v, want undefined", v)
	}
	if len(n.Problems) != 2 {
		t.Errorf("problems = %q, want the open question and the undefined term", n.Problems)
	}

	// Every answered question and every defined term makes cards.
	var cards []struct {
		Kind string `json:"kind"`
	}
	if status := getJSON(t, ts.URL+"/api/flashcards?note=sockets", &cards); status != http.StatusOK {
		t.Fatalf("GET /api/flashcards = %d", status)
	}
	if len(cards) != 4+2*4 {
		t.Errorf("%d flashcards, want 12 (4 answers, 4 terms both ways)", len(cards))
	}
	var quiz struct {
		Questions []struct {
			ID string `json:"id"`
		} `json:"questions"`
	}
	if status := getJSON(t, ts.URL+"/api/quizzes/vocab-sockets", &quiz); status != http.StatusOK {
		t.Fatalf("GET /api/quizzes/vocab-sockets = %d", status)
	}
	if len(quiz.Questions) != 8 {
		t.Errorf("vocabulary quiz has %d questions, want 8 (4 defined terms, two ways)", len(quiz.Questions))
	}
	var glossary []struct {
		Term string `json:"term"`
	}
	getJSON(t, ts.URL+"/api/vocabulary", &glossary)
	if len(glossary) != 5 {
		t.Errorf("glossary has %d entries, want 5", len(glossary))
	}

	// The page: each answer wrapped for the self-test, the open question
	// without one, terms linked as written, the notice with its help link.
	status, page, _ := get(t, ts, "/notes/sockets")
	if status != http.StatusOK {
		t.Fatalf("GET /notes/sockets = %d", status)
	}
	if got := strings.Count(page, `<div class="answer" data-answer-for=`); got != 4 {
		t.Errorf("%d answer blocks, want 4", got)
	}
	for _, want := range []string{
		`href="/vocabulary#term-web-socket-ws" aria-describedby="tip-2">websocket</a>`,
		`2 things in this file could not be read as intended`,
		`<a href="/notes-format">notes format</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("note page lacks %s", want)
		}
	}
}

func TestNotesFormatPage(t *testing.T) {
	ts := newTestServer(t, testContent())
	status, page, _ := get(t, ts, "/notes-format")
	if status != http.StatusOK {
		t.Fatalf("GET /notes-format = %d", status)
	}
	for _, want := range []string{
		`<meta name="description" content="How to write notes`,
		"<h1>The notes format</h1>",
		"### 1. What does a switch keep in its table?",
		"Vocabulary | Defintion | Example",
		"1. #### What problem does ARP solve?",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/notes-format lacks %q", want)
		}
	}
}
