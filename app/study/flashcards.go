// Package study builds the self-study material that is derived from the
// notes: flashcard decks. (Scheduling the cards is the browser's job, so
// that it works without an account and offline; see static/js/srs.js.)
package study

import (
	"fmt"
	"hash/fnv"
	"html/template"
	"strings"

	"netstudy/app/notes"
)

// CardKind says what a flashcard asks.
type CardKind string

// The kinds of flashcard.
const (
	CardQA         CardKind = "qa"         // a note's question; the back is its answer
	CardTerm       CardKind = "term"       // a term; the back is its definition
	CardDefinition CardKind = "definition" // a definition; the back is its term
)

// Card is one flashcard. Its ID depends only on what it asks, so that a
// student's schedule survives edits to other parts of the notes.
type Card struct {
	ID        string        `json:"id"`
	Kind      CardKind      `json:"kind"`
	FrontHTML template.HTML `json:"front_html"`
	BackHTML  template.HTML `json:"back_html"`
	NoteSlug  string        `json:"note"`
	NoteTitle string        `json:"note_title"`
}

// Deck returns the cards of one note, or of every note when slug is empty:
// each question with its answer, and each term both ways. ok is false when
// no note has that slug.
func Deck(lib *notes.Library, slug string) (cards []Card, ok bool) {
	if slug != "" {
		n, found := lib.Note(slug)
		if !found {
			return nil, false
		}
		return noteCards(n), true
	}
	for _, n := range lib.Notes {
		cards = append(cards, noteCards(n)...)
	}
	return cards, true
}

func noteCards(n *notes.Note) []Card {
	if n.Err != nil {
		return nil
	}
	cards := make([]Card, 0, len(n.QA)+2*len(n.Vocabulary))
	for _, qa := range n.QA {
		if strings.TrimSpace(qa.AnswerText) == "" {
			continue // a card with a blank back teaches nothing
		}
		cards = append(cards, Card{
			ID:        cardID(CardQA, n.Slug, qa.Question),
			Kind:      CardQA,
			FrontHTML: template.HTML(template.HTMLEscapeString(qa.Question)),
			BackHTML:  qa.AnswerHTML,
			NoteSlug:  n.Slug,
			NoteTitle: n.Title,
		})
	}
	for _, t := range n.Vocabulary {
		if strings.TrimSpace(t.Definition) == "" {
			continue
		}
		term := template.HTML(template.HTMLEscapeString(t.Term))
		cards = append(cards,
			Card{ID: cardID(CardTerm, n.Slug, t.Term), Kind: CardTerm, FrontHTML: term, BackHTML: t.DefinitionHTML, NoteSlug: n.Slug, NoteTitle: n.Title},
			Card{ID: cardID(CardDefinition, n.Slug, t.Term), Kind: CardDefinition, FrontHTML: t.DefinitionHTML, BackHTML: term, NoteSlug: n.Slug, NoteTitle: n.Title},
		)
	}
	return cards
}

// cardID is short and stable: kind, note and a hash of the asking text
// (case and spacing folded, so fixing a capital letter keeps the history).
func cardID(kind CardKind, slug, text string) string {
	h := fnv.New64a()
	h.Write([]byte(strings.Join(strings.Fields(strings.ToLower(text)), " ")))
	return fmt.Sprintf("%s:%s:%012x", kind, slug, h.Sum64()&0xffffffffffff)
}

// DeckSizes counts the cards of each note, by slug, without building their
// HTML for the browser: the home page needs only these numbers, with the
// schedule it keeps itself, to say how many cards are due.
func DeckSizes(lib *notes.Library) map[string]int {
	sizes := make(map[string]int, len(lib.Notes))
	for _, n := range lib.Notes {
		if n.Err != nil {
			continue
		}
		count := 0
		for _, qa := range n.QA {
			if strings.TrimSpace(qa.AnswerText) != "" {
				count++
			}
		}
		for _, t := range n.Vocabulary {
			if strings.TrimSpace(t.Definition) != "" {
				count += 2
			}
		}
		sizes[n.Slug] = count
	}
	return sizes
}
